/**
 * The entry of a run's worker thread (built as out/main/run-worker.js): it carries out the one task it was started
 * with, reports to the main process, and pauses after the current step when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunTask, TaskCommand, TaskReport } from './run-task';
import { executeTask } from './task-executor';

const port = parentPort!;
let pause = false;
port.on('message', (command: TaskCommand) => {
  if (command.type === 'pause') pause = true;
});
const report = (message: TaskReport) => port.postMessage(message);
try {
  await executeTask((workerData as { task: RunTask }).task, report, () => pause);
} catch (error) {
  report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
port.close();
