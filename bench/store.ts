/**
 * Store and API speed: how fast metrics land and come back, and what one API call costs over IPC-style dispatch and
 * over HTTP. Prints one JSON object on its last line. Run: `npm run bench:store`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLab } from '../src-main/app/open-lab';
import { startServer } from '../src-main/serve/server';
import type { MetricSample } from '../src-main/store/metrics-repo';
import { migrationsFromFolder } from '../src-main/store/migrations';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function time(repeats: number, fn: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const dataDir = mkdtempSync(join(tmpdir(), 'aepo-lab-bench-'));
const lab = openLab({
  dataDir,
  mode: 'cli',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
try {
  const KEYS = 20;
  const STEPS = 10_000;
  const BATCH_STEPS = 50; // one training step logs all keys; a batch is 50 steps' worth
  const run = lab.services.runs.create({ algorithm: 'aepo', benchmark: 'hotpotqa', seed: 0 });
  const writeStart = performance.now();
  for (let step = 0; step < STEPS; step += BATCH_STEPS) {
    const batch: MetricSample[] = [];
    for (let s = step; s < step + BATCH_STEPS; s++) {
      for (let k = 0; k < KEYS; k++) batch.push({ key: `metric/${k}`, step: s, value: Math.sin(s + k) });
    }
    lab.services.metrics.append(run.id, batch);
  }
  const writeMs = performance.now() - writeStart;
  lab.db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = KEYS * STEPS;

  const fullSeriesMs = await time(20, () => lab.services.metrics.series(run.id, 'metric/7'));
  const rangeMs = await time(50, () =>
    lab.services.metrics.series(run.id, 'metric/7', { fromStep: 5000, toStep: 5999 }),
  );
  for (let i = 0; i < 1000; i++)
    lab.services.runs.create({ algorithm: 'grpo', benchmark: 'gsm8k', seed: i, config: { lr: 1e-6, i } });
  const dispatchListMs = await time(20, () => lab.dispatch('runs.list', {}));
  const dispatchGetMs = await time(200, () => lab.dispatch('runs.get', { id: 500 }));

  const server = await startServer({ dispatch: lab.dispatch, bus: lab.bus, rendererDir: dataDir, port: 0 });
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  const httpGetMs = await time(200, async () =>
    (await fetch(`${server.origin}/api/runs.get`, { method: 'POST', headers, body: '{"id":500}' })).json(),
  );
  const httpSeriesMs = await time(20, async () =>
    (
      await fetch(`${server.origin}/api/metrics.series`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ runId: run.id, key: 'metric/7' }),
      })
    ).json(),
  );
  await server.close();

  const dbBytes = statSync(lab.databaseFile).size;
  console.log(
    JSON.stringify({
      metrics_rows: rows,
      metrics_write_rows_per_s: Math.round(rows / (writeMs / 1000)),
      series_10k_points_ms: round(fullSeriesMs),
      series_1k_range_ms: round(rangeMs),
      db_bytes_per_metric_row: round(dbBytes / rows, 1),
      dispatch_runs_list_1000_ms: round(dispatchListMs),
      dispatch_runs_get_ms: round(dispatchGetMs),
      http_runs_get_ms: round(httpGetMs),
      http_series_10k_points_ms: round(httpSeriesMs),
      node: process.versions.node,
    }),
  );
} finally {
  lab.close();
  rmSync(dataDir, { recursive: true, force: true });
}
