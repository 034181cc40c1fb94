/**
 * Power before spending hours: the smallest paired difference between two rows that a design (items × samples per
 * item × seeds) detects with 80 % power at α = 0.05 (two-sided), from variance components measured on earlier runs
 * of the suite. The model (docs/statistics.md): an item's paired difference varies by σ²_pair (how differently two
 * policies find the same item, per seed) plus 2·σ²_sample / k (sampling noise of k samples each side), so
 * Var(Δ̂) = (σ²_pair + 2σ²_sample / k) / (items × seeds), and MDE = (z_{1−α/2} + z_{power}) · √Var(Δ̂).
 */

/** Variances in %² (scores in percent). */
export interface VarianceComponents {
  /** One sample's variance around its item's mean (pooled over items and runs). */
  sample: number;
  /** Variance over items of two runs' paired difference in item means, less the sampling part (floored at 0). */
  pair: number;
  /** Runs they were measured on (0: the defaults). */
  runs: number;
}

/**
 * Stand-ins where a suite has no earlier runs: a 0/1 metric whose items sit between 20 % and 80 % (σ²_sample =
 * 2,000 %²), and two policies differing per item by a 10-point standard deviation (σ²_pair = 100 %²).
 */
export const DEFAULT_COMPONENTS: VarianceComponents = { sample: 2000, pair: 100, runs: 0 };

/** z_{0.975} + z_{0.8}: the multiplier of the standard error at α = 0.05, two-sided, and 80 % power. */
export const Z_ALPHA_POWER = 1.959964 + 0.841621;

export interface Design {
  items: number;
  samples: number;
  seeds: number;
}

/** The minimum detectable paired difference, in points. */
export function minimumDetectableDifference(v: VarianceComponents, design: Design): number {
  const variance = (v.pair + (2 * v.sample) / design.samples) / (design.items * design.seeds);
  return Z_ALPHA_POWER * Math.sqrt(variance);
}

/** The same for an average over benchmarks (each its own components and items): the mean's variance. */
export function averagedDetectableDifference(parts: { v: VarianceComponents; design: Design }[]): number {
  const variance =
    parts.reduce((sum, { v, design }) => sum + (minimumDetectableDifference(v, design) / Z_ALPHA_POWER) ** 2, 0) /
    parts.length ** 2;
  return Z_ALPHA_POWER * Math.sqrt(variance);
}

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const varianceOf = (xs: number[]) => {
  const m = meanOf(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

/**
 * Components from earlier runs on one suite: each run's item → sample scores (in percent). σ²_sample pools every
 * item's sample variance; σ²_pair comes from consecutive pairs of runs on their shared items. null: fewer than two
 * runs, or no item with two samples.
 */
export function measuredComponents(runs: Map<number, number[]>[]): VarianceComponents | null {
  const sampleVariances = runs.flatMap((run) => [...run.values()].filter((s) => s.length > 1).map(varianceOf));
  if (runs.length < 2 || sampleVariances.length === 0) return null;
  const sample = meanOf(sampleVariances);
  const pairs: number[] = [];
  for (let r = 1; r < runs.length; r++) {
    const [a, b] = [runs[r - 1]!, runs[r]!];
    const shared = [...a.keys()].filter((i) => b.has(i));
    if (shared.length < 2) continue;
    const k = meanOf(shared.map((i) => (a.get(i)!.length + b.get(i)!.length) / 2));
    const differences = shared.map((i) => meanOf(a.get(i)!) - meanOf(b.get(i)!));
    pairs.push(Math.max(0, varianceOf(differences) - (2 * sample) / k));
  }
  if (pairs.length === 0) return null;
  return { sample, pair: meanOf(pairs), runs: runs.length };
}
