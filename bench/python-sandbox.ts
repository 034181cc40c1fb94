/**
 * The python sandbox's costs: a process's start-up (cold, to its first interpreter), the per-call overhead of a
 * trivial call, the cost of restoring a fresh interpreter between calls, resident memory, and a rollout-shaped burst
 * (16 trajectories × 2 python calls, all calls of a turn at once). Prints one JSON object on its last line.
 * Run: `npm run bench:python-sandbox` (PROCESSES=N to size the pool; default one per core).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { processRssBytes } from '../src-main/tools/python/process-memory';
import { PythonTool } from '../src-main/tools/python/python-tool';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number) => Number(x.toFixed(1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hostScript = join(import.meta.dirname, '../src-main/tools/python/sandbox-host.ts');
const processes = Number(process.env.PROCESSES ?? availableParallelism());

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// Start-up: a cold process, from spawn to the first answer.
const single = new PythonTool({ hostScript, processes: 1 });
const coldMs = await timed(() => single.run('1'));
await sleep(1_000); // spares restored
const rssMb = async () => Math.round(((await processRssBytes(single.pids()[0])) ?? NaN) / 2 ** 20);
const idleRssMb = await rssMb();

// Per call, with a fresh interpreter waiting (calls spaced as tool calls are, between sampling).
const spaced: number[] = [];
for (let i = 0; i < 20; i++) {
  spaced.push(await timed(() => single.run('1')));
  await sleep(300);
}
// Back to back with no spare left: each call also waits for its interpreter to be restored.
const noSpares = new PythonTool({ hostScript, processes: 1, spareInterpreters: 1 });
await noSpares.run('1');
const backToBack: number[] = [];
for (let i = 0; i < 20; i++) backToBack.push(await timed(() => noSpares.run('1')));
await noSpares.stop();
for (let i = 0; i < 20; i++) await single.run('x = [i * i for i in range(10_000)]');
await sleep(1_000);
const rssAfterMb = await rssMb();
await single.stop();

// A rollout's burst: 16 trajectories call python at once, twice, with sampling time in between.
const pool = new PythonTool({ hostScript, processes });
pool.warm();
await Promise.all(Array.from({ length: processes }, () => pool.run('1')));
await sleep(1_500);
const turns: number[] = [];
for (let turn = 0; turn < 2; turn++) {
  turns.push(await timed(() => Promise.all(Array.from({ length: 16 }, (_, i) => pool.run(`sum(range(${i} * 1000))`)))));
  await sleep(500); // the policy samples the next segment
}
await pool.stop();

console.log(
  JSON.stringify({
    processes,
    start_up_ms: round(coldMs),
    per_call_ms: round(median(spaced)),
    per_call_with_restore_ms: round(median(backToBack)),
    restore_ms: round(median(backToBack) - median(spaced)),
    rss_idle_mb: idleRssMb,
    rss_after_40_calls_mb: rssAfterMb,
    rollout_16x2_wait_ms: turns.map(round),
  }),
);
