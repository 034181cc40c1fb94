/**
 * The python tool: runs code in a Pyodide worker thread with a wall-clock timeout (the thread is killed and a fresh
 * one started for the next call), an output cap and a coarse memory cap (the process's resident memory is watched
 * while a call runs; past the cap the thread is killed). Output is formatted like the authors' tool: what the code
 * printed, then the value of a bare last expression.
 */
import { Worker } from 'node:worker_threads';
import type { ToolResult } from '../types';
import type { PythonAnswer, PythonRequest } from './python-worker';

export interface PythonToolOptions {
  /** out/main/python-worker.js, or a loader script plus `workerData` in tests. */
  script: string | URL;
  workerData?: unknown;
  timeoutMs?: number;
  /** Characters of output kept. */
  maxOutput?: number;
  /** Growth of resident memory allowed during one call, in MiB. */
  memoryMb?: number;
}

export class PythonTool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly timeoutMs: number;
  private readonly maxOutput: number;
  private readonly memoryBytes: number;

  constructor(private readonly options: PythonToolOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxOutput = options.maxOutput ?? 8_000;
    this.memoryBytes = (options.memoryMb ?? 1024) * 1024 * 1024;
  }

  private thread(): Worker {
    this.worker ??= new Worker(this.options.script, { workerData: this.options.workerData });
    return this.worker;
  }

  /** Ends the thread; the next call starts a new one (about 1.5 s to load Python). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  async run(code: string): Promise<ToolResult> {
    const started = performance.now();
    const done = (ok: boolean, output: string, error?: string): ToolResult => ({ ok, output, error, ms: performance.now() - started });
    const worker = this.thread();
    const id = this.nextId++;
    const baseline = process.memoryUsage().rss;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: ToolResult, kill: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (kill) void this.stop();
        resolve(result);
      };
      const timer = setTimeout(() => finish(done(false, `Error: timed out after ${this.timeoutMs / 1000} s`, 'timeout'), true), this.timeoutMs);
      const watch = setInterval(() => {
        if (process.memoryUsage().rss - baseline > this.memoryBytes) {
          finish(done(false, `Error: memory limit of ${this.memoryBytes / 2 ** 20} MiB exceeded`, 'memory'), true);
        }
      }, 50);
      const onMessage = (answer: PythonAnswer) => {
        if (answer.id !== id) return;
        const printed = [answer.stdout, answer.value ?? ''].filter(Boolean).join(answer.stdout.endsWith('\n') ? '' : '\n');
        if (answer.ok) finish(done(true, printed || '(no output)'), false);
        else finish(done(false, [answer.stdout, answer.stderr, `Error: ${answer.error}`].filter(Boolean).join('\n'), answer.error ?? 'error'), false);
      };
      const onError = (error: Error) => finish(done(false, `Error: the python thread crashed: ${error.message}`, error.message), true);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, code, maxOutput: this.maxOutput } satisfies PythonRequest);
    });
  }
}
