// Runs a TypeScript worker entry (given as workerData.entry) through tsx, so tests can start worker threads from
// the sources the way the app starts the built .js files.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
