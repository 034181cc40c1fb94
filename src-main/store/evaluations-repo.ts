import type { Db } from './database';
import type { EvaluationItemRow } from './records';

export type { EvaluationItemRow };

/** One stored evaluation: `value` is a percentage (0–100) over `n` scored items; `k` is the k of pass@k. */
export interface NewEvaluation {
  runId: number;
  step: number;
  benchmark: string;
  metric: string;
  k: number;
  value: number;
  n: number;
}

/** An evaluation with the run it belongs to, as the results table reads it. */
export interface EvaluationRow extends NewEvaluation {
  algorithm: string;
  runBenchmark: string;
  seed: number;
  runName: string;
}

/** One sample's score behind an evaluation: what the results table's intervals and paired tests resample. */
export interface ItemScore {
  runId: number;
  step: number;
  benchmark: string;
  index: number;
  sample: number;
  score: number;
}

export function createEvaluationsRepo(db: Db) {
  const upsertItem = db.prepare(`
    INSERT INTO evaluation_items (run_id, step, benchmark, item_index, sample, prediction, extracted, gold, score, verdict, reason)
    VALUES (@runId, @step, @benchmark, @index, @sample, @prediction, @extracted, @gold, @score, @verdict, @reason)
    ON CONFLICT (run_id, step, benchmark, item_index, sample) DO UPDATE SET prediction = excluded.prediction,
      extracted = excluded.extracted, gold = excluded.gold, score = excluded.score, verdict = excluded.verdict,
      reason = excluded.reason`);
  const itemsOf = db.prepare(`
    SELECT run_id AS runId, step, benchmark, item_index AS "index", sample, prediction, extracted, gold, score, verdict, reason
    FROM evaluation_items WHERE run_id = @runId AND (@benchmark IS NULL OR benchmark = @benchmark)
    ORDER BY step, benchmark, item_index, sample LIMIT @limit`);
  const scoresOf = db.prepare(`
    SELECT run_id AS runId, step, benchmark, item_index AS "index", sample, score FROM evaluation_items
    WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, step, benchmark, item_index, sample`);
  const recentScores = db.prepare(`
    SELECT run_id AS runId, step, benchmark, item_index AS "index", sample, score FROM evaluation_items
    WHERE benchmark = @benchmark AND run_id IN (
      SELECT DISTINCT run_id FROM evaluation_items WHERE benchmark = @benchmark ORDER BY run_id DESC LIMIT @runs)
    ORDER BY run_id, step, item_index, sample`);
  const recordItems = db.transaction((rows: EvaluationItemRow[]) => {
    for (const row of rows) upsertItem.run({ ...row, gold: JSON.stringify(row.gold) });
  });
  // Re-evaluating a run at the same step replaces the value (a resumed run rewrites what came after its checkpoint).
  const upsert = db.prepare(`
    INSERT INTO evaluations (run_id, step, benchmark, metric, k, value, n, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step, benchmark, metric, k) DO UPDATE SET value = excluded.value, n = excluded.n, created_at = excluded.created_at`);
  const ofExperiment = db.prepare(`
    SELECT e.run_id AS runId, e.step, e.benchmark, e.metric, e.k, e.value, e.n,
           r.algorithm, r.benchmark AS runBenchmark, r.seed, r.name AS runName
    FROM evaluations e JOIN runs r ON r.id = e.run_id
    WHERE r.experiment_id = ? ORDER BY e.run_id, e.benchmark, e.k, e.step`);
  const ofRuns = db.prepare(`
    SELECT e.run_id AS runId, e.step, e.benchmark, e.metric, e.k, e.value, e.n,
           r.algorithm, r.benchmark AS runBenchmark, r.seed, r.name AS runName
    FROM evaluations e JOIN runs r ON r.id = e.run_id
    WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY e.run_id, e.benchmark, e.k, e.step`);
  const ofRun = db.prepare(
    'SELECT run_id AS runId, step, benchmark, metric, k, value, n FROM evaluations WHERE run_id = ? ORDER BY step, benchmark, k',
  );
  const record = db.transaction((rows: NewEvaluation[], now: number) => {
    for (const e of rows) upsert.run(e.runId, e.step, e.benchmark, e.metric, e.k, e.value, e.n, now);
  });
  return {
    /** Stores a batch in one transaction: all rows land or none. */
    record(rows: NewEvaluation[], now = Date.now()): void {
      record(rows, now);
    },
    /** Stores per-item verdicts in one transaction (an evaluation redone replaces its rows). */
    recordItems(rows: EvaluationItemRow[]): void {
      recordItems(rows);
    },
    items(runId: number, benchmark: string | null = null, limit = -1): EvaluationItemRow[] {
      return (itemsOf.all({ runId, benchmark, limit }) as (Omit<EvaluationItemRow, 'gold'> & { gold: string })[]).map(
        (row) => ({ ...row, gold: JSON.parse(row.gold) as string[] }),
      );
    },
    /** Every sample's score of these runs' evaluations, without the texts: the statistics' input. */
    itemScores: (runIds: number[]) => scoresOf.all(JSON.stringify(runIds)) as ItemScore[],
    /** The sample scores of the latest `runs` runs evaluated on a benchmark (every step; the caller keeps the last). */
    recentItemScores: (benchmark: string, runs: number) => recentScores.all({ benchmark, runs }) as ItemScore[],
    ofExperiment: (experimentId: number) => ofExperiment.all(experimentId) as EvaluationRow[],
    ofRuns: (runIds: number[]) => ofRuns.all(JSON.stringify(runIds)) as EvaluationRow[],
    ofRun: (runId: number) => ofRun.all(runId) as NewEvaluation[],
  };
}

export type EvaluationsRepo = ReturnType<typeof createEvaluationsRepo>;
