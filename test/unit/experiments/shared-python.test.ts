// One python sandbox pool per lab: runs' worker threads send their calls to the scheduler, which runs them in the
// pool it was given; cancelling one run ends its thread and nothing of the pool. Real worker threads (speaking the
// run worker's python protocol, run-task.ts), the real scheduler, a real SQLite lab and real sandbox processes.
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { openLab } from '../../../src-main/app/open-lab';
import { Scheduler, type TaskOutcome } from '../../../src-main/experiments/execution/scheduler';
import type { RunTask, RunWorkerData } from '../../../src-main/experiments/execution/run-task';
import { PythonTool } from '../../../src-main/tools/python/python-tool';
import { SANDBOX_HOST } from '../../support/python-sandbox';
import { tempDir } from '../../support/temp';

/** A run's thread reduced to its python calls: `calls` calls of `print(label * 100 + i)`, each after `pauseMs`. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { label, calls, pauseMs } = workerData.task;
const waiting = new Map();
let next = 0;
parentPort.on('message', (message) => {
  if (message === 'stop') process.exit(0);
  if (message && message.type === 'python-answer') waiting.get(message.id)(message.result);
});
const python = (code) => new Promise((resolve) => {
  const id = ++next;
  waiting.set(id, resolve);
  parentPort.postMessage({ type: 'python', id, code });
});
(async () => {
  const outputs = [];
  for (let i = 0; i < calls; i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    outputs.push((await python('print(' + (label * 100 + i) + ')')).output.trim());
    parentPort.postMessage({ type: 'progress', line: outputs.join(',') });
  }
  parentPort.postMessage({ type: 'done', outcome: 'finished', seconds: 0 });
  parentPort.close();
})();
`;

const lab = openLab({ dataDir: tempDir(), mode: 'cli' });
const pool = new PythonTool({ hostScript: SANDBOX_HOST, processes: 1 });
afterAll(async () => {
  await pool.stop();
  lab.close();
});

describe('one python pool per lab', () => {
  it("serves every run's calls; cancelling a run leaves the pool and the other run's calls untouched", async () => {
    const launch = (data: RunWorkerData) => new Worker(WORKER, { eval: true, workerData: data });
    const scheduler = new Scheduler(lab.services, launch, () => 2, pool);
    const [first, second] = [1, 2].map(
      (seed) => lab.services.runs.create({ algorithm: 'grpo', benchmark: 'mini-gsm8k', seed }).id,
    );
    const progress: Record<number, string> = {};
    const submit = (runId: number, label: number, calls: number) =>
      scheduler.submit({
        runId,
        prepare: () => ({ task: { kind: 'probe', label, calls, pauseMs: 150 } as unknown as RunTask }),
        onProgress: (line) => (progress[label] = line),
      });
    await pool.run('0'); // the pool's one process is up
    const [pid] = pool.pids();
    const cancelled = submit(first!, 1, 20);
    const finished = submit(second!, 2, 8);
    while (!progress[1]?.includes(',')) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(scheduler.cancel(first!)).toBe(true);
    const outcomes: TaskOutcome[] = await Promise.all([cancelled, finished]);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['cancelled', 'finished']);
    expect(progress[2]).toBe(Array.from({ length: 8 }, (_, i) => 200 + i).join(','));
    expect(progress[1]!.split(',').length).toBeLessThan(20);
    // Both runs used the lab's one process, and the cancel left it running.
    expect(pool.pids()).toEqual([pid]);
    expect((await pool.run('print("still here")')).output).toBe('still here\n');
    await scheduler.close();
  }, 60_000);
});
