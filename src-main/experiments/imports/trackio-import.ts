/**
 * Importing the runs of a Trackio project database, each with its config and every metric row. Metric names go
 * through the same verl table (verl and its peers log to Trackio under verl's names); unknown keys are kept. A run
 * imported before (same rows, by content hash) is left as it is, so importing the file twice changes nothing.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { LabError } from '../../core/errors';
import type { Services } from '../../services';
import type { JsonObject } from '../../store/records';
import { readTrackio, TrackioFormatError } from '../../store/trackio-reader';
import { labMetricName } from './verl-metrics';

export interface TrackioImportResult {
  runs: { runId: number; name: string; steps: number; unchanged: boolean }[];
}

export function importTrackio(
  services: Services,
  request: { file: string; project?: string; experimentId?: number | null },
): TrackioImportResult {
  let runs;
  try {
    runs = readTrackio(request.file, request.project);
  } catch (error) {
    if (error instanceof TrackioFormatError)
      throw new LabError('invalid_input', `${error.message}; nothing was imported`);
    throw error;
  }
  if (runs.length === 0) throw new LabError('invalid_input', `${basename(request.file)} holds no runs to import`);
  const existing = new Map(
    services.runs.list().map((r) => [(r.config.source as { sha256?: string } | undefined)?.sha256, r.id]),
  );
  return services.transaction(() => ({
    runs: runs.map((run) => {
      const sha256 = createHash('sha256')
        .update(JSON.stringify([run.name, run.rows]))
        .digest('hex');
      const earlier = existing.get(sha256);
      if (earlier !== undefined) return { runId: earlier, name: run.name, steps: run.rows.length, unchanged: true };
      const created = services.runs.create({
        experimentId: request.experimentId ?? null,
        name: run.name,
        algorithm: typeof run.config.algorithm === 'string' ? run.config.algorithm : 'trackio',
        benchmark: typeof run.config.benchmark === 'string' ? run.config.benchmark : 'unknown',
        seed: typeof run.config.seed === 'number' ? run.config.seed : 0,
        config: { ...(run.config as JsonObject), source: { trackio: basename(request.file), run: run.name, sha256 } },
      });
      services.metrics.append(
        created.id,
        run.rows.flatMap((row) =>
          Object.entries(row.values).flatMap(([key, value]) =>
            typeof value === 'number'
              ? [{ key: labMetricName(key), step: row.step, value, wallTimeMs: row.time ?? undefined }]
              : [],
          ),
        ),
      );
      services.runs.setStatus(created.id, { status: 'running', backend: 'trackio' });
      services.runs.setStatus(created.id, { status: 'completed' });
      return { runId: created.id, name: run.name, steps: run.rows.length, unchanged: false };
    }),
  }));
}
