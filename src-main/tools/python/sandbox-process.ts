/**
 * One python sandbox process, seen from the app: started with sandboxCommand, one call at a time, killed (SIGKILL) on
 * a timeout, on going over its memory cap or on breaking the protocol. Everything it writes is hostile input: lines
 * are length-capped, parsed defensively and matched to the call by id.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { processRssBytes } from './process-memory';
import type { SandboxCommand } from './sandbox-command';
import type { SandboxAnswer, SandboxRequest } from './sandbox-protocol';

export type CallOutcome =
  { kind: 'answer'; answer: SandboxAnswer } | { kind: 'timeout' | 'memory' | 'crashed'; detail: string };

export interface SandboxProcessOptions {
  /** The absolute resident-memory cap of the process, bytes. */
  memoryBytes: number;
  /** Longest line the process may write, characters (longer: it is killed). */
  maxLine: number;
  startTimeoutMs: number;
}

const MEMORY_POLL_MS = 100;
/**
 * The sandbox ends a call at its timeout itself and answers; past this much longer its supervising thread is not
 * answering at all, and the process is killed.
 */
const SUPERVISOR_GRACE_MS = 5_000;
/** Last bytes of stderr kept to explain a failed start. */
const STDERR_KEPT = 2_000;

export class SandboxProcess {
  readonly ready: Promise<void>;
  /** Milliseconds from spawn to the first interpreter, as the process measured it. */
  startMs = 0;
  /** Calls answered so far (the pool retires a process after a number of them). */
  calls = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private alive = true;
  private buffered = '';
  private stderrTail = '';
  private pending: { id: number; resolve: (outcome: CallOutcome) => void } | undefined;
  private onReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly memoryWatch: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    command: SandboxCommand,
    private readonly options: SandboxProcessOptions,
  ) {
    this.child = spawn(command.binary, command.args, {
      env: command.env,
      cwd: command.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.ready = new Promise<void>((resolve, reject) => (this.onReady = { resolve, reject }));
    this.ready.catch(() => {}); // a failed start is reported to whoever awaits it
    const startTimer = setTimeout(
      () => this.fail('crashed', `did not start within ${options.startTimeoutMs / 1000} s`),
      options.startTimeoutMs,
    );
    this.ready.then(
      () => clearTimeout(startTimer),
      () => clearTimeout(startTimer),
    );
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEPT)));
    this.child.stdin.on('error', () => {}); // a dead process's pipe: reported through 'exit'
    this.child.on('error', (error) => this.fail('crashed', `could not be started: ${error.message}`));
    this.child.on('exit', (code, signal) =>
      this.fail(
        'crashed',
        `exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${lastLine(this.stderrTail)}` : ''}`,
      ),
    );
    this.memoryWatch = setInterval(() => void this.checkMemory(), MEMORY_POLL_MS);
    this.memoryWatch.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one request; the caller sends one at a time. */
  call(request: Omit<SandboxRequest, 'id'>): Promise<CallOutcome> {
    if (!this.alive) return Promise.resolve({ kind: 'crashed', detail: 'the sandbox process is not running' });
    if (this.pending) throw new Error('a sandbox process runs one call at a time');
    const id = this.nextId++;
    const { timeoutMs } = request;
    return new Promise<CallOutcome>((resolve) => {
      const timer = setTimeout(
        () => this.fail('timeout', `timed out after ${timeoutMs / 1000} s`),
        timeoutMs + SUPERVISOR_GRACE_MS,
      );
      this.pending = { id, resolve: (outcome) => (clearTimeout(timer), resolve(outcome)) };
      this.child.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  kill(): void {
    this.fail('crashed', 'stopped');
  }

  /**
   * Whether the process holds most of its memory cap. Pyodide's heap grows and never shrinks, so after a call that
   * allocated near the cap (a MemoryError) the memory watch would kill the process during the next, innocent call.
   */
  async nearMemoryLimit(): Promise<boolean> {
    const rss = await processRssBytes(this.child.pid);
    return rss !== undefined && rss > 0.75 * this.options.memoryBytes;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      this.handleLine(line);
    }
    if (this.buffered.length > this.options.maxLine) this.fail('crashed', 'wrote more than the protocol allows');
  }

  private handleLine(line: string): void {
    if (line.length > this.options.maxLine) return this.fail('crashed', 'wrote more than the protocol allows');
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // stray output (a runtime warning) is not an answer
    }
    if (isReady(message)) {
      this.startMs = message.startMs;
      this.onReady?.resolve();
      return;
    }
    const answer = asAnswer(message);
    if (!answer || !this.pending || answer.id !== this.pending.id) return;
    const { resolve } = this.pending;
    this.pending = undefined;
    this.calls++;
    // The sandbox ended the interpreter at the timeout itself; the process goes on.
    if (answer.timedOut) resolve({ kind: 'timeout', detail: answer.error ?? 'timed out' });
    else resolve({ kind: 'answer', answer });
  }

  private memoryCheckRunning = false;

  private async checkMemory(): Promise<void> {
    if (this.memoryCheckRunning) return;
    this.memoryCheckRunning = true;
    const rss = await processRssBytes(this.child.pid);
    this.memoryCheckRunning = false;
    if (rss !== undefined && rss > this.options.memoryBytes) {
      this.fail('memory', `memory limit of ${Math.round(this.options.memoryBytes / 2 ** 20)} MiB exceeded`);
    }
  }

  /** Ends the process for good and settles whatever waits on it. */
  private fail(kind: 'timeout' | 'memory' | 'crashed', detail: string): void {
    if (!this.alive) return;
    this.alive = false;
    clearInterval(this.memoryWatch);
    this.child.kill('SIGKILL');
    this.onReady?.reject(new Error(`the python sandbox ${detail}`));
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve({ kind, detail });
  }
}

const lastLine = (text: string) => text.trim().split('\n').slice(-1)[0]?.slice(0, 300) ?? '';

function isReady(message: unknown): message is { ready: true; startMs: number } {
  return typeof message === 'object' && message !== null && (message as { ready?: unknown }).ready === true;
}

/** A well-formed answer, or undefined: every field checked, since the sandbox may write anything. */
function asAnswer(message: unknown): SandboxAnswer | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const nullableText = (value: unknown) => (typeof value === 'string' ? value : null);
  const milliseconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  if (typeof m.id !== 'number' || typeof m.ok !== 'boolean') return undefined;
  const cost = (typeof m.cost === 'object' && m.cost !== null ? m.cost : {}) as Record<string, unknown>;
  return {
    id: m.id,
    ok: m.ok,
    stdout: text(m.stdout),
    stderr: text(m.stderr),
    value: nullableText(m.value),
    error: nullableText(m.error),
    timedOut: m.timedOut === true,
    cost: { resetMs: milliseconds(cost.resetMs), runMs: milliseconds(cost.runMs), replaced: cost.replaced === true },
  };
}
