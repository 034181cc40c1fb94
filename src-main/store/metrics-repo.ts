import type { Db } from './database';
import type { MetricKeyInfo, MetricPoint } from './records';

export interface MetricSample {
  key: string;
  step: number;
  value: number;
  /** Defaults to the time of the write. */
  wallTimeMs?: number;
}

export interface SeriesRange {
  fromStep?: number;
  toStep?: number;
}

export function createMetricsRepo(db: Db) {
  // A re-logged (run, key, step) replaces the old value: a resumed run rewrites the steps after its checkpoint.
  const upsert = db.prepare(`
    INSERT INTO metrics (run_id, key, step, value, wall_time_ms) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, key, step) DO UPDATE SET value = excluded.value, wall_time_ms = excluded.wall_time_ms`);
  const series = db.prepare(`
    SELECT step, value, wall_time_ms AS wallTimeMs FROM metrics
    WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step`);
  const keys = db.prepare(`
    SELECT key, count(*) AS points, min(step) AS firstStep, max(step) AS lastStep
    FROM metrics WHERE run_id = ? GROUP BY key ORDER BY key`);
  const deleteAfter = db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?');
  const meanByBenchmark = db.prepare(`
    SELECT r.benchmark AS benchmark, avg(m.value) AS mean, count(*) AS n
    FROM metrics m JOIN runs r ON r.id = m.run_id
    WHERE m.key = ? AND m.value IS NOT NULL AND json_extract(r.config, '$.model.size') = ? GROUP BY r.benchmark`);
  const totals = db.prepare(`
    SELECT run_id AS runId, key, sum(value) AS sum, count(value) AS n FROM metrics
    WHERE run_id IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?))
    GROUP BY run_id, key`);
  const appendAll = db.transaction((runId: number, samples: MetricSample[], now: number) => {
    for (const s of samples) {
      upsert.run(runId, s.key, s.step, Number.isFinite(s.value) ? s.value : null, s.wallTimeMs ?? now);
    }
  });

  return {
    /** Writes a batch in one transaction: all samples land or none. */
    append(runId: number, samples: MetricSample[], now = Date.now()): number {
      appendAll(runId, samples, now);
      return samples.length;
    },
    series(runId: number, key: string, range: SeriesRange = {}): MetricPoint[] {
      return series.all(
        runId,
        key,
        range.fromStep ?? Number.MIN_SAFE_INTEGER,
        range.toStep ?? Number.MAX_SAFE_INTEGER,
      ) as MetricPoint[];
    },
    /** Removes the points of steps after `step` (a run going back to its checkpoint at `step`). */
    deleteAfter(runId: number, step: number): void {
      deleteAfter.run(runId, step);
    },
    /** A metric's mean over every run of one model size on each benchmark (e.g. the measured seconds of a step). */
    meanByBenchmark(key: string, modelSize: string): { benchmark: string; mean: number; n: number }[] {
      return meanByBenchmark.all(key, modelSize) as { benchmark: string; mean: number; n: number }[];
    },
    /** Per run and key, the sum and count of the recorded values (a run's compute: tokens and seconds per step). */
    totals(runIds: number[], keys: string[]): { runId: number; key: string; sum: number; n: number }[] {
      return totals.all(JSON.stringify(runIds), JSON.stringify(keys)) as {
        runId: number;
        key: string;
        sum: number;
        n: number;
      }[];
    },
    keys(runId: number): MetricKeyInfo[] {
      return keys.all(runId) as MetricKeyInfo[];
    },
  };
}

export type MetricsRepo = ReturnType<typeof createMetricsRepo>;
