/**
 * The python tool: model-written Python runs in a warm pool of separate sandbox processes (Deno + Pyodide; see
 * sandbox-command.ts and docs/python-sandbox.md). One call at a time per process, so parallel trajectories don't
 * queue behind one interpreter. Every call starts from the same fresh interpreter state, as the authors' tool runs
 * `python -c CODE` per call: nothing one call defines, writes or patches is seen by the next. A timeout ends only
 * that call's interpreter; a process over its memory cap, or not answering, is killed and replaced. Output is
 * formatted like the authors' tool (what the code printed, then the value of a bare last expression) and cut to the
 * cap, whatever part of it is long.
 */
import { availableParallelism } from 'node:os';
import type { ToolResult } from '../types';
import { sandboxCommand, type SandboxCommand } from './sandbox-command';
import { SandboxProcess, type CallOutcome } from './sandbox-process';
import type { InterpreterCost, SandboxRequest } from './sandbox-protocol';

export interface PythonToolOptions {
  /** The sandbox entry: out/main/python-sandbox.js (tests: src-main/tools/python/sandbox-host.ts). */
  hostScript: string;
  /** Sandbox processes kept warm; default one per core. */
  processes?: number;
  timeoutMs?: number;
  /** Characters of output kept. */
  maxOutput?: number;
  /** Absolute resident-memory cap of each sandbox process, MiB; a process over it is killed and replaced. */
  memoryMb?: number;
  /**
   * Interpreters each process keeps started ahead of need (default 1, about 50 MiB each). An interpreter serves call
   * after call; one is replaced only after a call that timed out or reached beyond its memory (a file written, the
   * JavaScript bridge), which takes a few hundred milliseconds of the process's time.
   */
  spareInterpreters?: number;
  /** Calls a process answers before the pool retires it (default: never; isolation does not depend on it). */
  recycleAfterCalls?: number;
  /** Tests only: let requests carry JavaScript (see SandboxConfig.javascriptRequests). */
  javascriptRequests?: boolean;
  startTimeoutMs?: number;
}

/**
 * Resident memory of a sandbox process before user code runs (measured on Linux x64 with `npm run
 * bench:python-sandbox`): about 200 MiB, plus about 100 MiB for each interpreter Worker it holds.
 */
const baselineMb = (spares: number) => 250 + 100 * (spares + 1);

export class PythonTool {
  readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxOutput: number;
  private readonly memoryMb: number;
  private readonly spares: number;
  private command: SandboxCommand | undefined;
  private readonly processes = new Set<SandboxProcess>();
  private readonly idle: SandboxProcess[] = [];
  private readonly waiting: ((process: SandboxProcess | Error) => void)[] = [];
  private stopped = false;

  constructor(private readonly options: PythonToolOptions) {
    this.size = Math.max(1, options.processes ?? availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxOutput = options.maxOutput ?? 8_000;
    this.memoryMb = options.memoryMb ?? 1_536;
    this.spares = options.spareInterpreters ?? 1;
  }

  /** Starts the pool's processes now (the first call does it otherwise, and waits for one to answer). */
  warm(): void {
    this.stopped = false;
    while (this.processes.size < this.size) this.start();
  }

  async run(code: string): Promise<ToolResult> {
    return (await this.runMeasured(code)).result;
  }

  /** A call, and what isolating it cost the sandbox (absent when no sandbox answered). */
  async runMeasured(code: string): Promise<{ result: ToolResult; cost?: InterpreterCost }> {
    const started = performance.now();
    const done = (ok: boolean, output: string, error?: string, cost?: InterpreterCost) => ({
      result: { ok, output: this.cut(output), error, ms: performance.now() - started },
      cost,
    });
    let sandbox: SandboxProcess;
    try {
      sandbox = await this.acquire();
    } catch (error) {
      return done(false, `Error: ${(error as Error).message}`, 'unavailable');
    }
    const outcome = await sandbox.call({ code, maxOutput: this.maxOutput, timeoutMs: this.timeoutMs });
    // A process left near its memory cap is retired now, not killed by the watch in the middle of the next call.
    if (outcome.kind === 'answer' && (await sandbox.nearMemoryLimit())) sandbox.kill();
    this.release(sandbox);
    if (outcome.kind !== 'answer') return done(false, `Error: the python call ${outcome.detail}`, outcome.kind);
    const { answer } = outcome;
    const printed = [answer.stdout, answer.value ?? ''].filter(Boolean).join(answer.stdout.endsWith('\n') ? '' : '\n');
    if (answer.ok) return done(true, printed || '(no output)', undefined, answer.cost);
    return done(
      false,
      [answer.stdout, answer.stderr, `Error: ${answer.error ?? 'unknown'}`].filter(Boolean).join('\n'),
      answer.error ?? 'error',
      answer.cost,
    );
  }

  /** Tests only: runs JavaScript inside a sandbox process, as an attacker who reached its JavaScript side would. */
  async runJavaScript(javascript: string): Promise<CallOutcome> {
    const sandbox = await this.acquire();
    const outcome = await sandbox.call({
      javascript,
      maxOutput: this.maxOutput,
      timeoutMs: this.timeoutMs,
    } satisfies Omit<SandboxRequest, 'id'>);
    this.release(sandbox);
    return outcome;
  }

  /** Process ids of the live sandboxes (for tests and diagnostics). */
  pids(): number[] {
    return [...this.processes].filter((process) => process.isAlive).map((process) => process.pid ?? -1);
  }

  /** Ends every sandbox process; a later call starts the pool again. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const process of this.processes) process.kill();
    this.processes.clear();
    this.idle.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter(new Error('the python tool was stopped'));
  }

  private cut(text: string): string {
    return text.length > this.maxOutput
      ? `${text.slice(0, this.maxOutput)}\n... [${text.length - this.maxOutput} more characters cut]`
      : text;
  }

  private start(): SandboxProcess {
    this.command ??= sandboxCommand({
      hostScript: this.options.hostScript,
      wasmHeapMb: Math.max(64, this.memoryMb - baselineMb(this.spares)),
      jsHeapMb: this.memoryMb,
      spareInterpreters: this.spares,
      javascriptRequests: this.options.javascriptRequests,
    });
    const process = new SandboxProcess(this.command, {
      memoryBytes: this.memoryMb * 2 ** 20,
      // An answer holds four fields of at most maxOutput characters each, JSON-escaped (up to 6 bytes a character).
      maxLine: this.maxOutput * 4 * 6 + 4_096,
      startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
    });
    this.processes.add(process);
    process.ready.then(
      () => this.release(process),
      (error: Error) => {
        this.processes.delete(process);
        // A process that can't start would fail again at once: tell the callers waiting rather than loop.
        for (const waiter of this.waiting.splice(0)) waiter(error);
      },
    );
    return process;
  }

  private acquire(): Promise<SandboxProcess> {
    // An idle process may have died meanwhile (killed over its memory cap): skip it; warm() replaces it.
    for (let ready = this.idle.pop(); ready; ready = this.idle.pop()) {
      if (ready.isAlive) return Promise.resolve(ready);
      this.processes.delete(ready);
    }
    this.warm();
    return new Promise((resolve, reject) =>
      this.waiting.push((process) => (process instanceof Error ? reject(process) : resolve(process))),
    );
  }

  /** A process back from a call (or newly ready): to the next waiting call, or idle; a dead one is replaced. */
  private release(process: SandboxProcess): void {
    if (this.stopped) return;
    if (!process.isAlive) {
      this.processes.delete(process);
      if (this.waiting.length > 0 || this.processes.size < this.size) this.start();
      return;
    }
    if (process.busy) return;
    if (process.calls >= (this.options.recycleAfterCalls ?? Infinity)) {
      process.kill();
      this.processes.delete(process);
      this.start();
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(process);
    else this.idle.push(process);
  }
}
