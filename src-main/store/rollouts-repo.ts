import type { Db } from './database';
import type { JsonValue, RolloutStep } from './records';

export interface RolloutRecord {
  id: number;
  runId: number;
  step: number;
  question: string;
  tree: JsonValue;
  /** Mean reward of the question's trajectories. */
  reward: number;
  toolCalls: number;
  createdAt: number;
}

interface RolloutRow {
  id: number;
  run_id: number;
  step: number;
  question: string;
  tree: string;
  reward: number;
  tool_calls: number;
  created_at: number;
}

export function createRolloutsRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO rollouts (run_id, step, position, question, tree, reward, tool_calls, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteStep = db.prepare('DELETE FROM rollouts WHERE run_id = ? AND step = ?');
  const deleteAfter = db.prepare('DELETE FROM rollouts WHERE run_id = ? AND step > ?');
  const steps = db.prepare(`
    SELECT step, count(*) AS questions, avg(reward) AS reward FROM rollouts WHERE run_id = ? GROUP BY step ORDER BY step`);
  const byRunStep = db.prepare('SELECT * FROM rollouts WHERE run_id = ? AND (? IS NULL OR step = ?) ORDER BY step, id');
  const insertAll = db.transaction((rows: Omit<RolloutRecord, 'id' | 'createdAt'>[], now: number) => {
    // A step's rows replace any it had (a resumed run redoing the step), so they are never duplicated.
    for (const step of new Set(rows.map((r) => `${r.runId}:${r.step}`))) {
      const [runId, stepNumber] = step.split(':').map(Number);
      deleteStep.run(runId, stepNumber);
    }
    const positions = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.runId}:${r.step}`;
      const position = positions.get(key) ?? 0;
      positions.set(key, position + 1);
      insert.run(r.runId, r.step, position, r.question, JSON.stringify(r.tree), r.reward, r.toolCalls, now);
    }
  });
  return {
    /** One transaction per step: all of a step's trees land, or none. */
    insertMany(rows: Omit<RolloutRecord, 'id' | 'createdAt'>[], now = Date.now()): void {
      insertAll(rows, now);
    },
    /** Removes the rows of steps after `step` (a run going back to its checkpoint at `step`). */
    deleteAfter(runId: number, step: number): void {
      deleteAfter.run(runId, step);
    },
    /** The steps that have rollouts, with their question count and mean reward. */
    steps: (runId: number): RolloutStep[] => steps.all(runId) as RolloutStep[],
    list(runId: number, step?: number): RolloutRecord[] {
      return (byRunStep.all(runId, step ?? null, step ?? null) as RolloutRow[]).map((row) => ({
        id: row.id,
        runId: row.run_id,
        step: row.step,
        question: row.question,
        tree: JSON.parse(row.tree) as JsonValue,
        reward: row.reward,
        toolCalls: row.tool_calls,
        createdAt: row.created_at,
      }));
    },
  };
}

export type RolloutsRepo = ReturnType<typeof createRolloutsRepo>;
