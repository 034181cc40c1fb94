/**
 * Importing a verl run from its `file` logger output: one `{"step": N, "data": {...}}` per line. Every line is checked
 * before anything is written; a bad one imports nothing and is named. The file's content hash is kept with the run,
 * so importing the same file again changes nothing.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { LabError } from '../../core/errors';
import type { Services } from '../../services';
import type { MetricSample } from '../../store/metrics-repo';
import { labMetricName } from './verl-metrics';

export interface VerlImport {
  fileName: string;
  content: string;
  experimentId?: number | null;
  /** What the run was (verl's log does not say); defaults: `verl`, `unknown`, seed 0. */
  algorithm?: string;
  benchmark?: string;
  seed?: number;
}

export interface ImportResult {
  runId: number;
  steps: number;
  points: number;
  /** The same file was imported before: nothing was written. */
  unchanged: boolean;
}

/** One line of verl's file logger as metric samples; a bad line throws an error that names `where`. */
export function parseVerlRecord(text: string, where: string): MetricSample[] {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (error) {
    throw new LabError('invalid_input', `${where} is not JSON (${(error as Error).message}); nothing was imported`);
  }
  const { step, data } = (row ?? {}) as { step?: unknown; data?: unknown };
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
    throw new LabError('invalid_input', `${where}: "step" must be a whole number from 0; nothing was imported`);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new LabError('invalid_input', `${where}: "data" must be an object of metrics; nothing was imported`);
  const samples: MetricSample[] = [];
  for (const [key, value] of Object.entries(data)) {
    // verl also logs strings and lists (e.g. generated samples); only numbers are metrics.
    if (typeof value === 'number' && Number.isFinite(value)) samples.push({ key: labMetricName(key), step, value });
    else if (typeof value === 'boolean') samples.push({ key: labMetricName(key), step, value: value ? 1 : 0 });
  }
  return samples;
}

function parseLines(content: string, fileName: string): MetricSample[] {
  return content
    .split(/\r?\n/)
    .flatMap((text, i) => (text.trim() === '' ? [] : parseVerlRecord(text, `${basename(fileName)} line ${i + 1}`)));
}

export function importVerlRun(services: Services, request: VerlImport): ImportResult {
  const samples = parseLines(request.content, request.fileName);
  if (samples.length === 0) throw new LabError('invalid_input', `${basename(request.fileName)} holds no metrics`);
  const sha256 = createHash('sha256').update(request.content).digest('hex');
  const steps = new Set(samples.map((s) => s.step)).size;
  const earlier = services.runs
    .list()
    .find((run) => (run.config.source as { sha256?: string } | undefined)?.sha256 === sha256);
  if (earlier) return { runId: earlier.id, steps, points: samples.length, unchanged: true };
  return services.transaction(() => {
    const run = services.runs.create({
      experimentId: request.experimentId ?? null,
      name: basename(request.fileName),
      algorithm: request.algorithm ?? 'verl',
      benchmark: request.benchmark ?? 'unknown',
      seed: request.seed ?? 0,
      config: { source: { verl: basename(request.fileName), sha256 } },
    });
    services.metrics.append(run.id, samples);
    services.runs.setStatus(run.id, { status: 'running', backend: 'verl' });
    services.runs.setStatus(run.id, { status: 'completed' });
    return { runId: run.id, steps, points: samples.length, unchanged: false };
  });
}
