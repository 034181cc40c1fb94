/**
 * A finished cluster run's Pass@1 and Pass@k, from verl's validation metrics, so the results table and the export
 * take remote runs like local ones. The job validates once at its end on the test split with `evaluation.samples`
 * samples per item; the reward's "acc" (an exact match, job-scripts.ts) gives verl's
 * `val-core/<benchmark>/acc/mean@n` (mean accuracy over the samples: Pass@1) and `.../acc/best@k/mean` (Pass@k).
 */
import type { Services } from '../../services';
import { requireRunConfig } from '../plan/run-config';

/** Records the run's evaluation; false when verl logged no validation accuracy (nothing is recorded then). */
export function recordRemoteEvaluation(services: Services, runId: number): boolean {
  const run = services.runs.get(runId);
  const config = requireRunConfig(run);
  const { samples, k, items } = config.evaluation;
  const last = (name: string): { step: number; value: number } | undefined => {
    for (const section of ['val-core', 'val-aux']) {
      const series = services.metrics.series(runId, `${section}/${run.benchmark}/acc/${name}`);
      const point = series[series.length - 1];
      if (point && point.value !== null) return { step: point.step, value: point.value };
    }
    return undefined;
  };
  const pass1 = last(`mean@${samples}`);
  if (!pass1) return false;
  const passK = last(`best@${k}/mean`);
  services.evaluations.record([
    { runId, step: pass1.step, benchmark: run.benchmark, metric: 'pass', k: 1, value: pass1.value * 100, n: items },
    ...(passK
      ? [{ runId, step: passK.step, benchmark: run.benchmark, metric: 'pass', k, value: passK.value * 100, n: items }]
      : []),
  ]);
  return true;
}
