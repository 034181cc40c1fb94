/**
 * The entry of a run's worker thread (built as out/main/run-worker.js): it carries out the one task it was started
 * with, reports to the main process, and pauses after the current step once the scheduler sets its pause flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { atNoRunInFlight } from '../../model/onnx/runs-in-flight';
import type { PythonCalls, ToolResult } from '../../tools/types';
import { isPythonAnswer, PAUSE_REQUESTED, STOP_WORKER, type RunWorkerData, type TaskReport } from './run-task';
import { executeTask } from './task-executor';

const port = parentPort!;
const { task, pauseFlag } = workerData as RunWorkerData;
const report = (message: TaskReport) => port.postMessage(message);
// Python runs in the lab's one sandbox pool, in the main process: this thread sends each call there.
const waiting = new Map<number, (result: ToolResult) => void>();
let nextCall = 1;
const python: PythonCalls = {
  run: (code) =>
    new Promise((resolve) => {
      const id = nextCall++;
      waiting.set(id, resolve);
      report({ type: 'python', id, code });
    }),
};
port.on('message', (message: unknown) => {
  // Asked to stop (a cancel, the app closing): end the thread between two ONNX Runtime calls, never during one.
  if (message === STOP_WORKER) atNoRunInFlight(() => process.exit(0));
  else if (isPythonAnswer(message)) {
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  }
});
try {
  await executeTask(task, report, () => Atomics.load(pauseFlag, 0) === PAUSE_REQUESTED, python);
} catch (error) {
  report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
port.close();
