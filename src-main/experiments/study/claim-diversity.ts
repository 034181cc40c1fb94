/**
 * Claim 4, diversity: AEPO raises rollout diversity, the number of distinct final answers among a question's training
 * trajectories (`rollout/distinct_answers`, rl/tree-metrics.ts). A run's value is its mean over steps; AEPO is compared
 * with each baseline, bootstrapped over seeds and runs (stats/clustered.ts), Holm over the baselines.
 */
import type { Services } from '../../services';
import { clusteredEstimate, pairedClusteredDifference, type ClusteredEstimate } from '../../stats/clustered';
import type { BootstrapSettings } from '../../stats/estimates';
import { memoByRun, metricSeries, pairedRunDifferences, perRunBySeed, type StudyRuns } from './study-data';
import { verdictOf, withHolm, type Improvement, type Verdict } from './verdict';

export const DIVERSITY_METRIC = 'rollout/distinct_answers';
/** The smallest gain that counts: none, so only a significantly lower diversity refutes. */
export const DIVERSITY_DELTA = 0;

export interface DiversityClaim {
  /** Per algorithm, distinct final answers per question (a run's mean over its steps). */
  arms: { algorithm: string; estimate: ClusteredEstimate }[];
  /** AEPO minus each baseline. */
  improvements: Improvement[];
  verdict: Verdict;
}

export function diversityClaim(
  services: Services,
  runs: StudyRuns,
  baselines: string[],
  bootstrap: BootstrapSettings,
): DiversityClaim {
  const runMean = memoByRun((run) => {
    const series = metricSeries(services, run, DIVERSITY_METRIC);
    return series.reduce((s, p) => s + p.value, 0) / series.length;
  });
  const bySeed = new Map(runs.algorithms.map((a) => [a, perRunBySeed(runs.byAlgorithm.get(a) ?? [], runMean)]));
  const aepo = runs.byAlgorithm.get('aepo') ?? [];
  const improvements = withHolm(
    baselines.map((b) => {
      // AEPO minus the baseline, run by run on the same suite and seed.
      const pairs = pairedRunDifferences(aepo, runs.byAlgorithm.get(b) ?? [], runMean);
      const d = pairedClusteredDifference(pairs, bootstrap, `diversity:${b}`);
      return { against: b, value: d.difference, ci: d.ci, p: d.p };
    }),
  );
  return {
    arms: runs.algorithms.map((algorithm) => ({
      algorithm,
      estimate: clusteredEstimate(bySeed.get(algorithm)!, bootstrap, `diversity:${algorithm}`),
    })),
    improvements,
    verdict: improvements.length === baselines.length ? verdictOf(improvements, DIVERSITY_DELTA) : 'inconclusive',
  };
}
