// Runs' worker threads from the TypeScript sources (through tsx), as the app starts the built run-worker.js.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunnerWorkers } from '../../src-main/experiments/execution/experiment-runner';
import { SANDBOX_HOST } from './python-sandbox';

const LOADER = join(import.meta.dirname, 'ts-worker.mjs');
const ENTRY = join(import.meta.dirname, '../../src-main/experiments/execution/run-worker.ts');

export const sourceWorkers: RunnerWorkers = {
  launch: (data) => new Worker(LOADER, { workerData: { entry: ENTRY, ...data } }),
  pythonSandbox: SANDBOX_HOST,
};
