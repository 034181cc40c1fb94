/**
 * Results that come from outside a training run (`aepo-lab evaluate` against a model endpoint, `aepo-lab score` of a
 * predictions file) are stored as runs of their own with one evaluation each, so they can sit in an experiment's
 * results table beside the trained algorithms (as a row labelled e.g. `outside:qwen2.5-7b`).
 */
import type { ItemVerdict } from '../../benchmarks/score';
import type { Services } from '../../services';

export interface OutsideResult {
  /** The experiment whose table it joins; null: a run of its own. */
  experimentId: number | null;
  /** The row label, e.g. `outside:MODEL` or `predictions:FILE`. */
  label: string;
  benchmark: string;
  /** Percent. */
  value: number;
  /** Items scored. */
  n: number;
  /** What produced it (endpoint, model, file), kept with the run. */
  source: Record<string, string>;
  /** Every item's verdict, stored beside the score. */
  items: ItemVerdict[];
}

export function recordOutsideResult(services: Services, result: OutsideResult): number {
  const run = services.runs.create({
    experimentId: result.experimentId,
    algorithm: result.label,
    benchmark: result.benchmark,
    seed: 0,
    config: { source: result.source },
  });
  services.runs.setStatus(run.id, { status: 'running' });
  // Its Pass@1 is the single-sample score: one answer per item.
  services.transaction(() => {
    services.evaluations.record([
      { runId: run.id, step: 0, benchmark: result.benchmark, metric: 'pass', k: 1, value: result.value, n: result.n },
    ]);
    services.evaluations.recordItems(
      result.items.map((item) => ({ runId: run.id, step: 0, benchmark: result.benchmark, sample: 0, ...item })),
    );
  });
  services.runs.setStatus(run.id, { status: 'completed' });
  return run.id;
}
