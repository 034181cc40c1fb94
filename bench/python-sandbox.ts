/**
 * The python sandbox's costs: the figures `aepo-lab bench` reports under `tools` (a pool's start, a trivial call's
 * wall and CPU time, the in-place reset, the call after a replaced interpreter), plus a process's resident memory and
 * a rollout-shaped burst (16 trajectories × 2 python calls, all calls of a turn at once). Prints one JSON object on
 * its last line. Run: `npm run bench:python-sandbox` (PROCESSES=N to size the pool; default one per core).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { processRssBytes } from '../src-main/tools/python/process-memory';
import { measurePythonTool } from '../src-main/tools/python/python-bench';
import { PythonTool } from '../src-main/tools/python/python-tool';

const round = (x: number) => Number(x.toFixed(1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hostScript = join(import.meta.dirname, '../src-main/tools/python/sandbox-host.ts');
const processes = Number(process.env.PROCESSES ?? availableParallelism());

const costs = await measurePythonTool(hostScript, { processes, progress: (line) => console.error(line) });

// Resident memory of one process: idle, then after calls that allocate (the heap is restored, not grown).
const single = new PythonTool({ hostScript, processes: 1 });
await single.run('1');
await sleep(1_500); // the spare interpreter finishes starting
const rssMb = async () => Math.round(((await processRssBytes(single.pids()[0])) ?? NaN) / 2 ** 20);
const idleRssMb = await rssMb();
for (let i = 0; i < 40; i++) await single.run('x = [i * i for i in range(10_000)]');
const rssAfterMb = await rssMb();
await single.stop();

// A rollout's burst: 16 trajectories call python at once, twice, with sampling time in between.
const pool = new PythonTool({ hostScript, processes });
pool.warm();
await Promise.all(Array.from({ length: processes }, () => pool.run('1')));
await sleep(1_500);
const turns: number[] = [];
for (let turn = 0; turn < 2; turn++) {
  const started = performance.now();
  await Promise.all(Array.from({ length: 16 }, (_, i) => pool.run(`sum(range(${i} * 1000))`)));
  turns.push(performance.now() - started);
  await sleep(500); // the policy samples the next segment
}
await pool.stop();

console.log(
  JSON.stringify({
    ...costs,
    rss_idle_mb: idleRssMb,
    rss_after_40_calls_mb: rssAfterMb,
    rollout_16x2_wait_ms: turns.map(round),
  }),
);
