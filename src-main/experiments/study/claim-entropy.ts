/**
 * Claim 2, entropy stability: AEPO keeps policy entropy, and the entropy of the first tokens after a tool result,
 * from collapsing or exploding where the baselines drift. Each run's drift is the least-squares slope of the metric
 * over its RL steps (nats per step); AEPO's absolute slope is compared with each baseline's, bootstrapped over seeds
 * and runs (stats/clustered.ts). The curves' bands are 95 % intervals over seeds and runs at each step.
 */
import type { Services } from '../../services';
import { clusteredEstimate, pairedClusteredDifference, slope, type ClusteredEstimate } from '../../stats/clustered';
import type { Run } from '../../store/records';
import type { BootstrapSettings } from '../../stats/estimates';
import {
  memoByRun,
  metricCurves,
  metricSeries,
  pairedRunDifferences,
  perRunBySeed,
  type MetricCurve,
  type StudyRuns,
} from './study-data';
import { combined, verdictOf, withHolm, type Improvement, type Verdict } from './verdict';

export const ENTROPY_METRICS = [
  { key: 'actor/entropy', label: 'policy entropy' },
  { key: 'actor/entropy_after_tool', label: 'entropy after tool results' },
] as const;

export interface EntropyPart {
  key: string;
  label: string;
  /** Per algorithm, its runs' slope (nats per step) and absolute slope, each with its interval. */
  slopes: { algorithm: string; slope: ClusteredEstimate; drift: ClusteredEstimate }[];
  curves: MetricCurve[];
  /** Baseline's absolute slope minus AEPO's (positive: AEPO drifts less), one per baseline, Holm over them. */
  improvements: Improvement[];
  verdict: Verdict;
}

export interface EntropyClaim {
  parts: EntropyPart[];
  verdict: Verdict;
}

/** The smallest reduction of drift that counts: none, so only a drift significantly larger than a baseline's refutes. */
export const DRIFT_DELTA = 0;

export function entropyClaim(
  services: Services,
  runs: StudyRuns,
  baselines: string[],
  bootstrap: BootstrapSettings,
): EntropyClaim {
  const parts = ENTROPY_METRICS.map(({ key, label }): EntropyPart => {
    const slopeOf = memoByRun((run) => {
      const series = metricSeries(services, run, key);
      return slope(
        series.map((p) => p.step),
        series.map((p) => p.value),
      );
    });
    const slopes = new Map(
      runs.algorithms.map((a) => [a, perRunBySeed(runs.byAlgorithm.get(a) ?? [], slopeOf)] as const),
    );
    const drifts = new Map(
      [...slopes].map(([a, bySeed]) => [a, new Map([...bySeed].map(([s, v]) => [s, v.map(Math.abs)]))] as const),
    );
    const driftOf = (run: Run) => Math.abs(slopeOf(run));
    const aepo = runs.byAlgorithm.get('aepo') ?? [];
    const improvements = withHolm(
      baselines.map((b) => {
        // The baseline's drift minus AEPO's, run by run on the same suite and seed.
        const pairs = pairedRunDifferences(runs.byAlgorithm.get(b) ?? [], aepo, driftOf);
        const d = pairedClusteredDifference(pairs, bootstrap, `drift:${key}:${b}`);
        return { against: b, value: d.difference, ci: d.ci, p: d.p };
      }),
    );
    return {
      key,
      label,
      slopes: runs.algorithms.map((algorithm) => ({
        algorithm,
        slope: clusteredEstimate(slopes.get(algorithm)!, bootstrap, `slope:${key}:${algorithm}`),
        drift: clusteredEstimate(drifts.get(algorithm)!, bootstrap, `drift:${key}:${algorithm}`),
      })),
      curves: metricCurves(services, runs.byAlgorithm, key, bootstrap),
      improvements,
      verdict: verdictOf(improvements, DRIFT_DELTA),
    };
  });
  return { parts, verdict: combined(parts.map((p) => p.verdict)) };
}
