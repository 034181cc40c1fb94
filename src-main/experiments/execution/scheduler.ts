/**
 * The scheduler in the main process: a queue of tasks, each run in a worker thread of its own, at most
 * `concurrency` at a time (default one per core). It routes each worker's reports to the run's writer, pauses a run
 * after its current step, cancels one at once, and carries out pauses and cancels other processes asked for (they
 * write them into the run's row; see migrations/003).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Services } from '../../services';
import type { RunWriter } from './run-writer';
import type { PythonCalls, ToolResult } from '../../tools/types';
import {
  PAUSE_REQUESTED,
  STOP_WORKER,
  type PythonAnswer,
  type RunTask,
  type RunWorkerData,
  type TaskReport,
} from './run-task';

/**
 * Starts the worker thread of a task (the app: out/main/run-worker.js; tests: the TypeScript entry), handing it the
 * task and its pause flag as workerData.
 */
export type WorkerLauncher = (data: RunWorkerData) => Worker;

export type TaskOutcome =
  | { outcome: 'finished'; seconds: number }
  | { outcome: 'paused' | 'cancelled' }
  | { outcome: 'failed'; message: string };

export interface ScheduledTask {
  /** The run the task trains or evaluates; none for the cold start. */
  runId?: number;
  /** Called when the task leaves the queue: prepares the run and says what to do, or how it ended without a worker. */
  prepare: () => { task: RunTask; writer?: RunWriter } | TaskOutcome;
  /** Reports with no writer to take them (the cold start's progress). */
  onProgress?: (line: string) => void;
  /** Evaluations the worker reports, to store. */
  onEvaluation?: (report: Extract<TaskReport, { type: 'evaluation' }>) => void;
}

interface Queued {
  scheduled: ScheduledTask;
  resolve: (outcome: TaskOutcome) => void;
}

interface Active extends Queued {
  worker: Worker;
  pauseFlag: Int32Array;
  writer?: RunWriter;
  ending?: 'cancelled';
}

// A cheap indexed read; often enough that a pause asked from another process lands within the current step.
const CONTROL_POLL_MS = 250;

export class Scheduler {
  private readonly queue: Queued[] = [];
  private readonly active = new Set<Active>();
  private readonly poll: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly services: Services,
    private readonly launch: WorkerLauncher,
    /** Tasks at a time; read each time one could start, so a changed setting applies at once. */
    private readonly concurrency = () => availableParallelism(),
    /** The lab's one python sandbox pool: every run's calls go to it (none: a worker's calls fail). */
    private readonly python?: PythonCalls,
  ) {
    this.poll = setInterval(() => this.carryOutRequests(), CONTROL_POLL_MS);
    this.poll.unref();
  }

  /** Queues a task; resolves with how it ended. */
  submit(scheduled: ScheduledTask): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ scheduled, resolve });
      this.startMore();
    });
  }

  /** True while the run is queued or running here. */
  has(runId: number): boolean {
    return (
      this.queue.some((q) => q.scheduled.runId === runId) || [...this.active].some((a) => a.scheduled.runId === runId)
    );
  }

  get activeRuns(): number[] {
    return [...this.active].flatMap((a) => (a.scheduled.runId === undefined ? [] : [a.scheduled.runId]));
  }

  /** Pauses a run: a queued one at once, a running one after its current step (with a checkpoint). */
  pause(runId: number): boolean {
    const queued = this.dequeue(runId);
    if (queued) {
      this.services.runs.setStatus(runId, { status: 'paused' });
      queued.resolve({ outcome: 'paused' });
      return true;
    }
    const running = this.find(runId);
    if (running) Atomics.store(running.pauseFlag, 0, PAUSE_REQUESTED);
    return running !== undefined;
  }

  /** Cancels a run at once: its worker is stopped; what it recorded up to its last step stays. */
  cancel(runId: number): boolean {
    const queued = this.dequeue(runId);
    if (queued) {
      this.services.runs.setStatus(runId, { status: 'cancelled' });
      queued.resolve({ outcome: 'cancelled' });
      return true;
    }
    const running = this.find(runId);
    if (!running) return false;
    running.ending = 'cancelled';
    stopWorker(running.worker);
    return true;
  }

  /** Stops every worker (the app is closing); their runs stay "running" and are marked interrupted next time. */
  async close(): Promise<void> {
    clearInterval(this.poll);
    this.closed = true;
    this.queue.length = 0;
    await Promise.all([...this.active].map((a) => stopWorker(a.worker)));
  }

  private find(runId: number): Active | undefined {
    return [...this.active].find((a) => a.scheduled.runId === runId);
  }

  private dequeue(runId: number): Queued | undefined {
    const index = this.queue.findIndex((q) => q.scheduled.runId === runId);
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  /** Pauses and cancels asked for by other processes, written into the rows of runs running here. */
  private carryOutRequests(): void {
    for (const runId of this.activeRuns) {
      const control = this.services.runs.ownership(runId)?.control;
      if (!control) continue;
      this.services.runs.requestControl(runId, null);
      if (control === 'pause') this.pause(runId);
      else this.cancel(runId);
    }
  }

  private startMore(): void {
    while (this.active.size < Math.max(1, this.concurrency()) && this.queue.length > 0) {
      const next = this.queue.shift()!;
      let prepared;
      try {
        prepared = next.scheduled.prepare();
      } catch (error) {
        next.resolve({ outcome: 'failed', message: (error as Error).message });
        continue;
      }
      if ('outcome' in prepared) {
        next.resolve(prepared);
        continue;
      }
      this.run(next, prepared.task, prepared.writer);
    }
  }

  private run(queued: Queued, task: RunTask, writer: RunWriter | undefined): void {
    // Shared memory, not a message: a worker busy computing a step reads it without yielding to its event loop.
    const pauseFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = this.launch({ task, pauseFlag });
    const active: Active = { ...queued, worker, pauseFlag, writer };
    this.active.add(active);
    let ended: TaskOutcome | undefined;
    const end = (outcome: TaskOutcome) => {
      ended ??= outcome;
    };
    worker.on('message', (report: TaskReport) => {
      if (this.closed) return;
      try {
        this.route(active, report, end);
      } catch (error) {
        // A write that fails (a full disk) fails this run; the worker has nothing left to do for it.
        end({ outcome: 'failed', message: `cannot record run ${queued.scheduled.runId}: ${(error as Error).message}` });
        void stopWorker(worker);
      }
    });
    worker.on('error', (error) => end({ outcome: 'failed', message: error.message }));
    worker.on('exit', (code) => {
      this.active.delete(active);
      if (this.closed) return; // the app is closing: the run stays "running" and counts as interrupted next time
      const outcome: TaskOutcome =
        active.ending === 'cancelled'
          ? { outcome: 'cancelled' }
          : (ended ?? { outcome: 'failed', message: `its worker thread stopped unexpectedly (exit code ${code})` });
      try {
        if (outcome.outcome === 'cancelled') writer?.cancelled();
        else if (outcome.outcome === 'failed') writer?.failed(outcome.message);
      } catch {
        // The run was deleted while it ran: nothing is left to mark.
      } finally {
        queued.resolve(outcome);
        this.startMore();
      }
    });
  }

  /**
   * Runs a worker's python call in the lab's pool and sends the answer back. A worker that ended meanwhile (paused,
   * cancelled) just misses its answer: the pool and the calls of other runs go on.
   */
  private async answerPython(worker: Worker, id: number, code: string): Promise<void> {
    const result: ToolResult = this.python
      ? await this.python.run(code)
      : { ok: false, output: 'Error: this front end has no python sandbox', error: 'unavailable', ms: 0 };
    try {
      worker.postMessage({ type: 'python-answer', id, result } satisfies PythonAnswer);
    } catch {
      // the worker has ended
    }
  }

  private route(active: Active, report: TaskReport, end: (outcome: TaskOutcome) => void): void {
    const { writer, scheduled } = active;
    switch (report.type) {
      case 'progress':
        (scheduled.onProgress ?? ((line: string) => writer?.log(line)))(report.line);
        break;
      case 'started':
        writer?.started(report.fromStep, report.backend);
        break;
      case 'step':
        writer?.step(report.step, report.metrics, report.rollouts, report.checkpoint);
        break;
      case 'log':
        writer?.log(report.line);
        break;
      case 'evaluation':
        scheduled.onEvaluation?.(report);
        break;
      case 'cache':
        this.services.toolCache.set(report.namespace, report.query, report.result);
        break;
      case 'python':
        void this.answerPython(active.worker, report.id, report.code);
        break;
      case 'done':
        if (report.outcome === 'paused') writer?.paused();
        else writer?.completed();
        end(report.outcome === 'paused' ? { outcome: 'paused' } : { outcome: 'finished', seconds: report.seconds });
        break;
      case 'failed':
        end({ outcome: 'failed', message: report.message });
        break;
    }
  }
}

/** How long a worker gets to end itself between two ONNX Runtime calls before it is terminated anyway. */
const STOP_GRACE_MS = 10_000;

/**
 * Ends a run's worker at once, but never during an ONNX Runtime call: terminating a thread while the runtime's own
 * threads work for it crashes the whole process. The worker exits itself at the next gap (run-worker.ts); a worker
 * that does not (stuck in JavaScript) is terminated after the grace period.
 */
function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (worker.threadId === -1) return resolve(); // already ended
    const fallback = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(fallback);
      resolve();
    });
    worker.postMessage(STOP_WORKER);
  });
}
