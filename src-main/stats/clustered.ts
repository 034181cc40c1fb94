/**
 * Estimates over values clustered by seed: a statistic such as a rollout tree's branch share or a run's entropy slope
 * has one value per unit (a tree, a run), and units come in seeds. The bootstrap draws seeds, then units within each
 * drawn seed (two levels, as the results table does with seeds and items), so the interval carries both the
 * seed-to-seed spread and the spread of units. Two arms of the same seeds are paired by seed: one draw of seeds
 * serves both. docs/statistics.md, "Study statistics".
 */
import { drawCounts, namedRng, percentileInterval } from './resample';
import type { BootstrapSettings, Interval } from './estimates';

/** Per seed, the values of its units (a seed with none is left out of the estimate). */
export type Clustered = Map<number, number[]>;

export interface ClusteredEstimate {
  mean: number;
  ci: Interval;
  seeds: number;
  units: number;
}

export interface ClusteredDifference {
  /** a − b: the mean over shared seeds of the per-seed means. */
  difference: number;
  ci: Interval;
  /** Two-sided bootstrap p: twice the smaller share of replicates on either side of 0 (at least 1 / resamples). */
  p: number;
  seeds: number;
}

const usableSeeds = (...arms: Clustered[]) =>
  [...arms[0]!.keys()].filter((s) => arms.every((arm) => (arm.get(s)?.length ?? 0) > 0)).sort((x, y) => x - y);

/** The mean over seeds of each seed's (weighted) unit mean, for one draw. */
function drawnMean(values: number[][], seedCounts: Float64Array | null, unitCounts: Float64Array[] | null): number {
  let total = 0;
  let weight = 0;
  values.forEach((units, s) => {
    const w = seedCounts ? seedCounts[s]! : 1;
    if (w === 0) return;
    let sum = 0;
    for (let i = 0; i < units.length; i++) sum += (unitCounts ? unitCounts[s]![i]! : 1) * units[i]!;
    total += (w * sum) / units.length;
    weight += w;
  });
  return total / weight;
}

/** The point estimate and the bootstrap replicates of one arm's clustered mean. */
function bootstrapped(arm: Clustered, settings: BootstrapSettings, name: string) {
  const values = usableSeeds(arm).map((s) => arm.get(s)!);
  const rng = namedRng(settings.seed, name);
  const seedCounts = new Float64Array(values.length);
  const unitCounts = values.map((u) => new Float64Array(u.length));
  const replicates = new Float64Array(settings.resamples);
  for (let r = 0; r < settings.resamples; r++) {
    drawCounts(rng, seedCounts);
    for (const counts of unitCounts) drawCounts(rng, counts);
    replicates[r] = drawnMean(values, seedCounts, unitCounts);
  }
  return { values, replicates, mean: values.length === 0 ? NaN : drawnMean(values, null, null) };
}

/** One arm's mean with its 95 % two-level bootstrap interval. */
export function clusteredEstimate(arm: Clustered, settings: BootstrapSettings, name: string): ClusteredEstimate {
  const { values, replicates, mean } = bootstrapped(arm, settings, `clustered:${name}`);
  if (values.length === 0) return { mean: NaN, ci: { low: NaN, high: NaN }, seeds: 0, units: 0 };
  const [low, high] = percentileInterval(replicates);
  return { mean, ci: { low, high }, seeds: values.length, units: values.flat().length };
}

/** Twice the smaller share of replicates on either side of 0, at least 1 / resamples. */
function bootstrapP(replicates: Float64Array): number {
  let below = 0;
  let above = 0;
  for (const d of replicates) {
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  return Math.min(1, Math.max(1 / replicates.length, (2 * Math.min(below, above)) / replicates.length));
}

/**
 * The mean of paired differences (one per matched unit, e.g. the same suite and seed trained by two algorithms),
 * with its interval and p: seeds drawn, then pairs within each drawn seed, so what the pairs share cancels.
 */
export function pairedClusteredDifference(
  differences: Clustered,
  settings: BootstrapSettings,
  name: string,
): ClusteredDifference {
  const { values, replicates, mean } = bootstrapped(differences, settings, `paired-difference:${name}`);
  if (values.length === 0) return { difference: NaN, ci: { low: NaN, high: NaN }, p: NaN, seeds: 0 };
  const [low, high] = percentileInterval(replicates);
  return { difference: mean, ci: { low, high }, p: bootstrapP(replicates), seeds: values.length };
}

/** a − b over the seeds both have, seeds drawn once for both, units within each arm's seed drawn apart. */
export function clusteredDifference(
  a: Clustered,
  b: Clustered,
  settings: BootstrapSettings,
  name: string,
): ClusteredDifference {
  const seeds = usableSeeds(a, b);
  if (seeds.length === 0) return { difference: NaN, ci: { low: NaN, high: NaN }, p: NaN, seeds: 0 };
  const x = seeds.map((s) => a.get(s)!);
  const y = seeds.map((s) => b.get(s)!);
  const rng = namedRng(settings.seed, `clustered-difference:${name}`);
  const seedCounts = new Float64Array(seeds.length);
  const xCounts = x.map((u) => new Float64Array(u.length));
  const yCounts = y.map((u) => new Float64Array(u.length));
  const replicates = new Float64Array(settings.resamples);
  for (let r = 0; r < settings.resamples; r++) {
    drawCounts(rng, seedCounts);
    for (const counts of [...xCounts, ...yCounts]) drawCounts(rng, counts);
    replicates[r] = drawnMean(x, seedCounts, xCounts) - drawnMean(y, seedCounts, yCounts);
  }
  const [low, high] = percentileInterval(replicates);
  return {
    difference: drawnMean(x, null, null) - drawnMean(y, null, null),
    ci: { low, high },
    p: bootstrapP(replicates),
    seeds: seeds.length,
  };
}

/** Least-squares slope of y over x (NaN with fewer than two distinct x). */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}
