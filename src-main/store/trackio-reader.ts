/**
 * Reading a Trackio project database (one SQLite file per project: `metrics(run_name, step, timestamp, metrics JSON)`,
 * older files with a `project_name` column too, newer ones with `configs(run_name, config JSON)`). Opened read-only;
 * nothing in it is changed.
 */
import Database from 'better-sqlite3';

export interface TrackioRun {
  name: string;
  config: Record<string, unknown>;
  /** Rows in step order: the step, its time (ms, when recorded) and the logged values. */
  rows: { step: number; time: number | null; values: Record<string, unknown> }[];
}

export class TrackioFormatError extends Error {}

export function readTrackio(file: string, project?: string): TrackioRun[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new TrackioFormatError(`cannot open ${file} as SQLite: ${(error as Error).message}`);
  }
  try {
    const columns = (table: string) =>
      new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const metricColumns = columns('metrics');
    for (const needed of ['run_name', 'step', 'metrics'])
      if (!metricColumns.has(needed))
        throw new TrackioFormatError(`${file} is not a Trackio database: its metrics table has no "${needed}" column`);
    const byProject = project !== undefined && metricColumns.has('project_name');
    const rows = db
      .prepare(
        `SELECT run_name AS run, step, ${metricColumns.has('timestamp') ? 'timestamp' : 'NULL'} AS time, metrics
         FROM metrics ${byProject ? 'WHERE project_name = ?' : ''} ORDER BY run_name, step`,
      )
      .all(...(byProject ? [project] : [])) as { run: string; step: number; time: string | null; metrics: string }[];
    const configs = new Map<string, Record<string, unknown>>();
    if (columns('configs').has('config'))
      for (const row of db.prepare('SELECT run_name AS run, config FROM configs').all() as {
        run: string;
        config: string;
      }[])
        configs.set(row.run, parse(row.config, `${file}: the config of run "${row.run}"`));
    const runs = new Map<string, TrackioRun>();
    for (const row of rows) {
      const run = runs.get(row.run) ?? { name: row.run, config: configs.get(row.run) ?? {}, rows: [] };
      runs.set(row.run, run);
      const time = row.time === null ? null : Date.parse(row.time);
      run.rows.push({
        step: row.step,
        time: time !== null && Number.isFinite(time) ? time : null,
        values: parse(row.metrics, `${file}: run "${row.run}" step ${row.step}`),
      });
    }
    return [...runs.values()];
  } finally {
    db.close();
  }
}

function parse(text: string, where: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TrackioFormatError(`${where} is not a JSON object`);
}
