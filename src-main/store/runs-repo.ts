import type { Db } from './database';
import type { RunSummary } from './records';
import { parseJsonObject } from './json-columns';
import type { JsonObject, Run, RunExecutorKind, RunStatus } from './records';

interface RunRow {
  id: number;
  experiment_id: number | null;
  name: string;
  algorithm: string;
  benchmark: string;
  seed: number;
  config: string;
  status: RunStatus;
  error: string | null;
  app_version: string;
  backend: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  tags: string;
  notes: string;
  executor: RunExecutorKind;
}

const toRun = (row: RunRow): Run => ({
  id: row.id,
  experimentId: row.experiment_id,
  name: row.name,
  algorithm: row.algorithm,
  benchmark: row.benchmark,
  seed: row.seed,
  config: parseJsonObject(row.config),
  status: row.status,
  error: row.error,
  appVersion: row.app_version,
  backend: row.backend,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  updatedAt: row.updated_at,
  tags: parseTags(row.tags),
  notes: row.notes,
  executor: row.executor,
});

function parseTags(text: string): string[] {
  const parsed = JSON.parse(text || '[]') as unknown;
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
}

export interface NewRun {
  experimentId?: number | null;
  name?: string;
  algorithm: string;
  benchmark: string;
  seed: number;
  config?: JsonObject;
  appVersion: string;
}

export interface RunFilter {
  experimentId?: number;
  status?: RunStatus;
  limit?: number;
}

export type RunControl = 'pause' | 'cancel';
export type { RunSummary };
export interface RunOwnership {
  ownerPid: number | null;
  control: RunControl | null;
}

export interface RunStatusChange {
  status: RunStatus;
  error?: string | null;
  backend?: string | null;
}

export function createRunsRepo(db: Db) {
  const insert = db.prepare(`
    INSERT INTO runs (experiment_id, name, algorithm, benchmark, seed, config, status, app_version, created_at, updated_at)
    VALUES (@experimentId, @name, @algorithm, @benchmark, @seed, @config, 'queued', @appVersion, @now, @now)`);
  const byId = db.prepare('SELECT * FROM runs WHERE id = ?');
  const filtered = db.prepare(`
    SELECT * FROM runs
    WHERE (@experimentId IS NULL OR experiment_id = @experimentId) AND (@status IS NULL OR status = @status)
    ORDER BY id DESC LIMIT @limit`);
  // started_at is set on the first move to running and kept on resume; finished_at on reaching a final state.
  const setStatus = db.prepare(`
    UPDATE runs SET
      status = @status,
      error = @error,
      backend = coalesce(@backend, backend),
      started_at = CASE WHEN @status = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
      finished_at = CASE WHEN @status IN ('completed', 'failed', 'cancelled') THEN @now ELSE NULL END,
      updated_at = @now
    WHERE id = @id`);
  const remove = db.prepare('DELETE FROM runs WHERE id = ?');
  const addResume = db.prepare('INSERT INTO run_resumes (run_id, from_step, resumed_at) VALUES (?, ?, ?)');
  // A resume that went back before an earlier one replaces it: only boundaries still in the series are kept.
  const dropResumesAfter = db.prepare('DELETE FROM run_resumes WHERE run_id = ? AND from_step >= ?');
  const addLog = db.prepare('INSERT INTO run_logs (run_id, at, line) VALUES (?, ?, ?)');
  const logOf = db.prepare(
    'SELECT at, line FROM (SELECT rowid, at, line FROM run_logs WHERE run_id = ? ORDER BY rowid DESC LIMIT ?) ORDER BY rowid',
  );
  const resumes = db.prepare('SELECT from_step AS step FROM run_resumes WHERE run_id = ? ORDER BY from_step');
  const annotate = db.prepare(`
    UPDATE runs SET tags = coalesce(@tags, tags), notes = coalesce(@notes, notes), updated_at = @now WHERE id = @id`);
  // The last reward of each run, and its final Pass@1 averaged over the benchmarks it was evaluated on.
  const summaries = db.prepare(`
    SELECT r.id AS runId,
      (SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.key = 'reward/mean' ORDER BY m.step DESC LIMIT 1)
        AS reward,
      (SELECT max(m.step) FROM metrics m WHERE m.run_id = r.id AND m.key = 'reward/mean') AS step,
      (SELECT avg(e.value) FROM evaluations e WHERE e.run_id = r.id AND e.k = 1
        AND e.step = (SELECT max(step) FROM evaluations WHERE run_id = r.id)) AS pass1
    FROM runs r`);
  const setOwner = db.prepare('UPDATE runs SET owner_pid = ?, control = NULL WHERE id = ?');
  const setControl = db.prepare('UPDATE runs SET control = ? WHERE id = ?');
  const ownership = db.prepare('SELECT owner_pid AS ownerPid, control FROM runs WHERE id = ?');
  // Runs on a Ray cluster have no owner process here: their status follows the job's (cluster_jobs).
  const owned = db.prepare(`SELECT id, owner_pid AS ownerPid, control FROM runs
    WHERE status = 'running' AND executor = 'local'`);

  return {
    insert(input: NewRun, now = Date.now()): Run {
      const { lastInsertRowid } = insert.run({
        experimentId: input.experimentId ?? null,
        name: input.name ?? '',
        algorithm: input.algorithm,
        benchmark: input.benchmark,
        seed: input.seed,
        config: JSON.stringify(input.config ?? {}),
        appVersion: input.appVersion,
        now,
      });
      return toRun(byId.get(lastInsertRowid) as RunRow);
    },
    get(id: number): Run | undefined {
      const row = byId.get(id) as RunRow | undefined;
      return row && toRun(row);
    },
    list(filter: RunFilter = {}): Run[] {
      const rows = filtered.all({
        experimentId: filter.experimentId ?? null,
        status: filter.status ?? null,
        limit: filter.limit ?? -1,
      }) as RunRow[];
      return rows.map(toRun);
    },
    setStatus(id: number, change: RunStatusChange, now = Date.now()): Run | undefined {
      setStatus.run({ id, status: change.status, error: change.error ?? null, backend: change.backend ?? null, now });
      return this.get(id);
    },
    /** The process running the run (null: none); clears any pending control request. */
    setOwner(id: number, pid: number | null): void {
      setOwner.run(pid, id);
    },
    /** A pause or cancel for the owning process to carry out (null: withdrawn or done). */
    setControl(id: number, control: RunControl | null): void {
      setControl.run(control, id);
    },
    ownership(id: number): RunOwnership | undefined {
      return ownership.get(id) as RunOwnership | undefined;
    },
    /** Every run marked running, with its owner: a dead owner means a crash left it so. */
    running(): (RunOwnership & { id: number })[] {
      return owned.all() as (RunOwnership & { id: number })[];
    },
    /** New tags and/or note (undefined keeps the old one). */
    annotate(id: number, change: { tags?: string[]; notes?: string }, now = Date.now()): void {
      annotate.run({
        id,
        tags: change.tags === undefined ? null : JSON.stringify(change.tags),
        notes: change.notes ?? null,
        now,
      });
    },
    /** Key numbers of every run for the runs table: last reward, its step, final Pass@1 (%). */
    summaries(): RunSummary[] {
      return summaries.all() as RunSummary[];
    },
    /** Records that the run continued after `fromStep` (from its checkpoint there). */
    recordResume(id: number, fromStep: number, now = Date.now()): void {
      dropResumesAfter.run(id, fromStep);
      addResume.run(id, fromStep, now);
    },
    /** Appends a line to the run's log. */
    log(id: number, line: string, now = Date.now()): void {
      addLog.run(id, now, line);
    },
    /** The run's last `limit` log lines, oldest first. */
    logLines(id: number, limit: number): { at: number; line: string }[] {
      return logOf.all(id, limit) as { at: number; line: string }[];
    },
    /** The steps the run resumed after, in order. */
    resumes(id: number): number[] {
      return (resumes.all(id) as { step: number }[]).map((r) => r.step);
    },
    delete(id: number): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type RunsRepo = ReturnType<typeof createRunsRepo>;
