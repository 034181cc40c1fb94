/** How the app starts a run's worker thread: the built out/main/run-worker.js beside the other worker scripts. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunnerWorkers } from '../experiments/execution/experiment-runner';

/** `workerDir` holds the built run-worker.js and python-sandbox.js (out/main). */
export function builtWorkers(workerDir: string): RunnerWorkers {
  return {
    launch: (data) => new Worker(join(workerDir, 'run-worker.js'), { workerData: data }),
    pythonSandbox: join(workerDir, 'python-sandbox.js'),
  };
}
