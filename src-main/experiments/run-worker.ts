/**
 * The entry of a run's worker thread (built as out/main/run-worker.js): it carries out the one task it was started
 * with, reports to the main process, and pauses after the current step once the scheduler sets its pause flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { atNoRunInFlight } from '../model/onnx/runs-in-flight';
import { PAUSE_REQUESTED, STOP_WORKER, type RunWorkerData, type TaskReport } from './run-task';
import { executeTask } from './task-executor';

const port = parentPort!;
const { task, pauseFlag } = workerData as RunWorkerData;
// Asked to stop (a cancel, the app closing): end the thread between two ONNX Runtime calls, never during one.
port.on('message', (message: unknown) => {
  if (message === STOP_WORKER) atNoRunInFlight(() => process.exit(0));
});
const report = (message: TaskReport) => port.postMessage(message);
try {
  await executeTask(task, report, () => Atomics.load(pauseFlag, 0) === PAUSE_REQUESTED);
} catch (error) {
  report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
port.close();
