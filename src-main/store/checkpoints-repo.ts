import type { Db } from './database';

export interface CheckpointRecord {
  runId: number;
  step: number;
  path: string;
  bytes: number;
  sha256: string;
}

export function createCheckpointsRepo(db: Db) {
  const upsert = db.prepare(`
    INSERT INTO checkpoints (run_id, step, path, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, bytes = excluded.bytes, sha256 = excluded.sha256, created_at = excluded.created_at`);
  const latest = db.prepare(
    'SELECT run_id AS runId, step, path, bytes, sha256 FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1',
  );
  return {
    record(c: CheckpointRecord, now = Date.now()): void {
      upsert.run(c.runId, c.step, c.path, c.bytes, c.sha256, now);
    },
    latest: (runId: number) => latest.get(runId) as CheckpointRecord | undefined,
  };
}

export type CheckpointsRepo = ReturnType<typeof createCheckpointsRepo>;
