/**
 * The minimum detectable paired difference of a planned experiment (80 % power, α = 0.05), per benchmark and for
 * the overall average, from the variance measured on earlier runs of each suite here, or stated defaults where a
 * suite has none (stats/power.ts, docs/statistics.md).
 */
import {
  averagedDetectableDifference,
  DEFAULT_COMPONENTS,
  measuredComponents,
  minimumDetectableDifference,
  type Design,
  type VarianceComponents,
} from '../../stats/power';
import type { Services } from '../../services';

/** Above this many points the New Experiment form warns: the paper's margins over the best baseline are 1–4 points. */
export const DETECTABLE_WARNING = 3;
/** Earlier runs read per suite. */
const RECENT_RUNS = 40;

export interface DetectableDifference {
  /**
   * In points (percent), per benchmark, with where its variance came from; null where every earlier run scored every
   * item the same (basis `saturated`: at the ceiling or the floor, no difference shows, whatever the design).
   */
  perBenchmark: {
    benchmark: string;
    points: number | null;
    basis: 'measured' | 'default' | 'saturated';
    runs: number;
  }[];
  /** For the overall average over the chosen benchmarks. */
  overall: number;
  /** The largest per-benchmark figure (saturated benchmarks left out). */
  largest: number;
  power: 0.8;
  alpha: 0.05;
}

/** Each run's item → sample scores (percent) at its last evaluation of the benchmark. */
function recentRuns(services: Services, benchmark: string): Map<number, number[]>[] {
  const byRun = new Map<number, { step: number; items: Map<number, number[]> }>();
  for (const s of services.evaluations.recentItemScores(benchmark, RECENT_RUNS)) {
    const seen = byRun.get(s.runId);
    if (!seen || s.step > seen.step) byRun.set(s.runId, { step: s.step, items: new Map() });
    const run = byRun.get(s.runId)!;
    if (s.step !== run.step) continue;
    run.items.set(s.index, [...(run.items.get(s.index) ?? []), 100 * s.score]);
  }
  return [...byRun.values()].map((r) => r.items);
}

/** Each suite's measured variance (null: none measured), read once per suite however often it is asked for. */
export type VarianceReader = (benchmark: string) => VarianceComponents | null;

export function varianceReader(services: Services): VarianceReader {
  const read = new Map<string, VarianceComponents | null>();
  return (benchmark) => {
    if (!read.has(benchmark)) read.set(benchmark, measuredComponents(recentRuns(services, benchmark)));
    return read.get(benchmark)!;
  };
}

/** `variances` may be shared by several estimates (a study weighing many plans reads each suite once). */
export function detectableDifference(
  services: Services,
  benchmarks: string[],
  design: Design,
  variances: VarianceReader = varianceReader(services),
): DetectableDifference {
  const parts = benchmarks.map((benchmark) => {
    const measured = variances(benchmark);
    const v: VarianceComponents = measured ?? DEFAULT_COMPONENTS;
    return { benchmark, v, design, basis: measured ? ('measured' as const) : ('default' as const) };
  });
  const perBenchmark = parts.map((p) => {
    const saturated = p.basis === 'measured' && p.v.sample === 0 && p.v.pair === 0;
    return {
      benchmark: p.benchmark,
      points: saturated ? null : minimumDetectableDifference(p.v, design),
      basis: saturated ? ('saturated' as const) : p.basis,
      runs: p.v.runs,
    };
  });
  return {
    perBenchmark,
    overall: parts.length === 0 ? NaN : averagedDetectableDifference(parts),
    largest: Math.max(0, ...perBenchmark.flatMap((p) => p.points ?? [])),
    power: 0.8,
    alpha: 0.05,
  };
}
