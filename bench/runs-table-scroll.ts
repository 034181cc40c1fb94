/**
 * The runs table with 2,000 runs in the real app (serve mode, built renderer, Debian's Chromium): how long the page
 * takes to show them, and the frame times while the table scrolls from top to bottom (one scroll step per frame).
 * Run: `npm run bench:runs-table` after `npm run build` (RUNS=2000 to change). Prints one JSON object last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { openLab } from '../src-main/app/open-lab';
import { startServer } from '../src-main/serve/server';
import { migrationsFromFolder } from '../src-main/store/migrations';

const RUNS = Number(process.env.RUNS ?? 2000);
const dataDir = mkdtempSync(join(tmpdir(), 'aepo-lab-table-bench-'));
const lab = openLab({
  dataDir,
  mode: 'serve',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
const algorithms = ['grpo', 'dapo', 'reinforce_pp', 'gppo', 'cispo', 'gigpo', 'arpo', 'aepo'];
lab.services.transaction(() => {
  for (let i = 0; i < RUNS; i++) {
    const run = lab.services.runs.create({ algorithm: algorithms[i % 8]!, benchmark: 'mini-gsm8k', seed: i % 3 });
    lab.services.metrics.append(run.id, [{ key: 'reward/mean', step: 1, value: Math.random() }]);
  }
});
const server = await startServer({
  dispatch: lab.dispatch,
  bus: lab.bus,
  rendererDir: join(import.meta.dirname, '../out/renderer'),
  port: 0,
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
let result;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const opened = performance.now();
  await page.goto(server.url);
  await page.waitForFunction(
    (n) => document.querySelector('header h1 + p')?.textContent === `${n} of ${n} runs shown`,
    RUNS,
  );
  const loadMs = performance.now() - opened;
  // A string, not a function: tsx would wrap a function in helpers the page does not have.
  result = (await page.evaluate(`new Promise((resolve) => {
    const scroller = document.querySelector('[data-test="runs-scroller"]');
    const frames = [];
    let last = performance.now();
    const step = () => {
      const now = performance.now();
      frames.push(now - last);
      last = now;
      scroller.scrollTop += 300;
      if (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) requestAnimationFrame(step);
      else resolve({ frames: frames.slice(1), rowsInDom: document.querySelectorAll('[data-test="run-row"]').length });
    };
    requestAnimationFrame(step);
  })`)) as { frames: number[]; rowsInDom: number };
  const frames = [...result.frames].sort((a, b) => a - b);
  const pick = (q: number) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))]!;
  console.log(
    `${RUNS} runs: shown in ${loadMs.toFixed(0)} ms; scrolling ${frames.length} frames, median ${pick(0.5).toFixed(1)} ms, p95 ${pick(0.95).toFixed(1)} ms; ${result.rowsInDom} rows in the DOM`,
  );
  console.log(
    JSON.stringify({
      runs: RUNS,
      loadMs: Math.round(loadMs),
      frameMedianMs: pick(0.5),
      frameP95Ms: pick(0.95),
      rowsInDom: result.rowsInDom,
    }),
  );
} finally {
  await browser.close();
  await server.close();
  lab.close();
  rmSync(dataDir, { recursive: true, force: true });
}
