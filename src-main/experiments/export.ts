/** Exporting an experiment's results table: what the `experiments.export` channel and `aepo-lab export` return. */
import { LabError } from '../core/errors';
import type { Services } from '../services';
import { exportTable, type ExportFormat } from './export-formats';
import { resultsTable, type ResultsTable } from './results-table';

export interface ExportedTable {
  format: ExportFormat;
  /** A file name to save it under, e.g. experiment-3-pass@1.md. */
  filename: string;
  text: string;
}

const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', md: 'md', latex: 'tex' };

export function exportExperiment(
  services: Services,
  request: { id: number; format: ExportFormat; metric: string },
  appVersion: string,
  now = new Date(),
): ExportedTable {
  const experiment = services.experiments.get(request.id);
  const table = resultsTable(services.evaluations.ofExperiment(experiment.id), request.metric);
  if (table.rows.length === 0) {
    throw new LabError('not_found', `experiment ${experiment.id} has no ${request.metric} evaluations yet`);
  }
  const text = exportTable(table, request.format, {
    source: `experiment ${experiment.id} "${experiment.name}"`,
    appVersion,
    date: now.toISOString().slice(0, 10),
  });
  return {
    format: request.format,
    filename: `experiment-${experiment.id}-${request.metric}.${EXTENSIONS[request.format]}`,
    text,
  };
}

/**
 * The results table of chosen runs (the Compare page), one row per run labelled `algorithm #id`, so two runs of one
 * algorithm stay apart; null when none of them has an evaluation.
 */
export function runsTable(services: Services, ids: number[], metric: string): ResultsTable | null {
  for (const id of ids) services.runs.get(id);
  const rows = services.evaluations.ofRuns(ids).map((row) => ({ ...row, algorithm: `${row.algorithm} #${row.runId}` }));
  if (rows.length === 0) return null;
  const table = resultsTable(rows, metric);
  // In the order the runs were given.
  const order = (label: string) => ids.indexOf(Number(label.split('#').at(-1)));
  const sorted = table.rows.map((row, i) => ({ row, i })).sort((a, b) => order(a.row.label) - order(b.row.label));
  return {
    ...table,
    rows: sorted.map((s) => s.row),
    best: table.best.map((indices) => indices.map((i) => sorted.findIndex((s) => s.i === i))),
  };
}

/** The same table as CSV, Markdown or LaTeX: what the Compare page and `aepo-lab export --runs` give. */
export function exportRuns(
  services: Services,
  request: { ids: number[]; format: ExportFormat; metric: string },
  appVersion: string,
  now = new Date(),
): ExportedTable {
  const table = runsTable(services, request.ids, request.metric);
  if (!table)
    throw new LabError('not_found', `runs ${request.ids.join(', ')} have no ${request.metric} evaluations yet`);
  const text = exportTable(table, request.format, {
    source: `runs ${request.ids.join(', ')}`,
    appVersion,
    date: now.toISOString().slice(0, 10),
  });
  return {
    format: request.format,
    filename: `runs-${request.ids.join('-')}-${request.metric}.${EXTENSIONS[request.format]}`,
    text,
  };
}
