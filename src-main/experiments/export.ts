/** Exporting an experiment's results table: what the `experiments.export` channel and `aepo-lab export` return. */
import { LabError } from '../core/errors';
import type { Services } from '../services';
import { exportTable, type ExportFormat } from './export-formats';
import { resultsTable } from './results-table';

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
    experimentId: experiment.id,
    experimentName: experiment.name,
    appVersion,
    date: now.toISOString().slice(0, 10),
  });
  return {
    format: request.format,
    filename: `experiment-${experiment.id}-${request.metric}.${EXTENSIONS[request.format]}`,
    text,
  };
}
