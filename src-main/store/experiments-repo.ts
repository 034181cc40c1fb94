import type { Db } from './database';
import { parseJsonObject } from './json-columns';
import type { Experiment, ExperimentSummary, JsonObject, RunStatus } from './records';

interface ExperimentRow {
  id: number;
  name: string;
  description: string;
  config: string;
  created_at: number;
}

const toExperiment = (row: ExperimentRow): Experiment => ({
  id: row.id,
  name: row.name,
  description: row.description,
  config: parseJsonObject(row.config),
  createdAt: row.created_at,
});

export interface NewExperiment {
  name: string;
  description?: string;
  config?: JsonObject;
}

export function createExperimentsRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO experiments (name, description, config, created_at) VALUES (@name, @description, @config, @createdAt)',
  );
  const byId = db.prepare('SELECT * FROM experiments WHERE id = ?');
  const all = db.prepare('SELECT * FROM experiments ORDER BY id DESC');
  const statusCounts = db.prepare(
    'SELECT experiment_id AS experimentId, status, count(*) AS n FROM runs WHERE experiment_id IS NOT NULL GROUP BY experiment_id, status',
  );
  const remove = db.prepare('DELETE FROM experiments WHERE id = ?');

  return {
    insert(input: NewExperiment, now = Date.now()): Experiment {
      const { lastInsertRowid } = insert.run({
        name: input.name,
        description: input.description ?? '',
        config: JSON.stringify(input.config ?? {}),
        createdAt: now,
      });
      return toExperiment(byId.get(lastInsertRowid) as ExperimentRow);
    },
    get(id: number): Experiment | undefined {
      const row = byId.get(id) as ExperimentRow | undefined;
      return row && toExperiment(row);
    },
    list(): ExperimentSummary[] {
      const counts = new Map<number, Partial<Record<RunStatus, number>>>();
      for (const row of statusCounts.all() as { experimentId: number; status: RunStatus; n: number }[]) {
        const entry = counts.get(row.experimentId) ?? {};
        entry[row.status] = row.n;
        counts.set(row.experimentId, entry);
      }
      return (all.all() as ExperimentRow[]).map((row) => {
        const runsByStatus = counts.get(row.id) ?? {};
        const runCount = Object.values(runsByStatus).reduce((sum, n) => sum + n, 0);
        return { ...toExperiment(row), runCount, runsByStatus };
      });
    },
    delete(id: number): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type ExperimentsRepo = ReturnType<typeof createExperimentsRepo>;
