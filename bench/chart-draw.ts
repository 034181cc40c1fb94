/**
 * How long a 100,000-point metric series takes from the API call to a drawn chart, in the real app: serve mode over
 * a temporary database, the built renderer (run `npm run build` first) in Debian's Chromium. The chart marks the
 * moment it asks for the series and the moment uPlot has drawn it; this reports the time between (median of RUNS
 * page loads). Run: `npm run bench:chart-draw` (POINTS=100000 RUNS=5 to change). Prints one JSON object last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { openLab } from '../src-main/app/open-lab';
import { startServer } from '../src-main/serve/server';
import { migrationsFromFolder } from '../src-main/store/migrations';

const POINTS = Number(process.env.POINTS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const dataDir = mkdtempSync(join(tmpdir(), 'aepo-lab-chart-bench-'));
const lab = openLab({
  dataDir,
  mode: 'serve',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
const run = lab.services.runs.create({ algorithm: 'aepo', benchmark: 'mini-gsm8k', seed: 1 });
const started = Date.now();
lab.services.metrics.append(
  run.id,
  Array.from({ length: POINTS }, (_, i) => ({
    key: 'reward/mean',
    step: i + 1,
    value: Math.sin(i / 500) + (i % 997 === 0 ? 3 : 0) + Math.random() * 0.1,
    wallTimeMs: started + i * 1000,
  })),
);
const server = await startServer({
  dispatch: lab.dispatch,
  bus: lab.bus,
  rendererDir: join(import.meta.dirname, '../out/renderer'),
  port: 0,
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const timings: number[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.waitForSelector('h1');
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${server.origin}/#/runs`);
    await page.waitForSelector('h1');
    await page.goto(`${server.origin}/#/runs/${run.id}`);
    await page.waitForFunction(
      (name) => performance.getEntriesByName(name).length > 0,
      `chart-drawn:${run.id}:reward/mean`,
    );
    timings.push(
      await page.evaluate((id) => {
        const load = performance.getEntriesByName(`chart-load:${id}:reward/mean`).at(-1)!;
        const drawn = performance.getEntriesByName(`chart-drawn:${id}:reward/mean`).at(-1)!;
        performance.clearMarks();
        return drawn.startTime - load.startTime;
      }, run.id),
    );
  }
} finally {
  await browser.close();
  await server.close();
  lab.close();
  rmSync(dataDir, { recursive: true, force: true });
}
timings.sort((a, b) => a - b);
const median = timings[Math.floor(timings.length / 2)]!;
console.log(
  `${POINTS.toLocaleString()} points, API call to drawn chart: median ${median.toFixed(0)} ms over ${RUNS} loads`,
);
console.log(JSON.stringify({ points: POINTS, medianMs: Math.round(median), timingsMs: timings.map(Math.round) }));
