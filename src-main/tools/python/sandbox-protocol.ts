/**
 * What the app, a python sandbox process and its interpreter Workers say to each other. The app and the process: one
 * JSON object a line, requests on the process's stdin and answers on its stdout. The process's supervising thread
 * and an interpreter Worker: structured messages. Types only, so the sandbox's entry files import nothing at run
 * time. Everything that comes back is treated as hostile by whoever receives it (see python-tool.ts, sandbox-host.ts).
 */

/** The sandbox's one command-line argument (JSON). */
export interface SandboxConfig {
  /** Pyodide's folder as a file-system path (its files are all the sandbox may read, with its two entry files). */
  pyodideDir: string;
  /** file:// URL of pyodide.mjs inside that folder. */
  pyodideModule: string;
  /** file:// URL of the interpreter Worker's entry (sandbox-interpreter.ts, built to python-interpreter.js). */
  interpreterScript: string;
  /** Largest WebAssembly heap an interpreter may grow to, in MiB (a larger allocation is Python's MemoryError). */
  wasmHeapMb: number;
  /** Interpreter Workers kept started ahead of need, for when one must be replaced (see docs/python-sandbox.md). */
  spareInterpreters: number;
  /**
   * Tests only: also accept `javascript` requests, run inside an interpreter Worker, so a test can act as an attacker
   * who has already reached the interpreter's JavaScript side. The permissions the process runs under are the same.
   */
  javascriptRequests: boolean;
}

export interface SandboxRequest {
  id: number;
  /** Python source; the value of a bare last expression is returned. */
  code?: string;
  /** Tests only (see SandboxConfig.javascriptRequests): the body of an async function; its result is returned as JSON. */
  javascript?: string;
  /** Characters kept of each of stdout, stderr, the value and the error. */
  maxOutput: number;
  /** Wall-clock limit of the call, ms: past it the interpreter is ended and the answer says so (timedOut). */
  timeoutMs: number;
}

export interface SandboxAnswer {
  id: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The value of a bare last expression, as the authors' tool prints it (None is not printed). */
  value: string | null;
  error: string | null;
  /** The call ran past its timeout; its interpreter was ended (the process lives on). */
  timedOut: boolean;
  /** What isolating this call cost the sandbox, for `aepo-lab bench` (see InterpreterCost). */
  cost: InterpreterCost;
}

/** The sandbox's own costs around a call, ms of its threads. */
export interface InterpreterCost {
  /** Restoring the interpreter's memory after the previous call on the same interpreter (0 for a new one). */
  resetMs: number;
  /** Running the call inside the interpreter, the code's own time included. */
  runMs: number;
  /** The previous call reached beyond the interpreter's memory, so this call ran on a newly started interpreter. */
  replaced: boolean;
}

/** The first line a sandbox writes once its first interpreter is ready. */
export interface SandboxReady {
  ready: true;
  /** Milliseconds from the process's start to its first interpreter. */
  startMs: number;
}

/** The Python the snapshot is made with (kept in the supervisor's entry, which the interpreter's imports nothing of). */
export interface PythonSetup {
  /** Python-level guards: clear errors for what the sandbox denies anyway. */
  guards: string;
  /** Defines the runner every call goes through, and its buffers. */
  runner: string;
  /** Python evaluating to "runner,codeBuffer,resultBuffer": the addresses of those three objects. */
  addresses: string;
  /** Built-in modules removed from the interpreter (they read and write raw memory or native code). */
  removedModules: string[];
}

/** The supervisor to an interpreter Worker. */
export type ToInterpreter =
  | {
      kind: 'init';
      config: SandboxConfig;
      module: WebAssembly.Module;
      /** Absent: make the snapshot and send it back (the first Worker of a process does that once). */
      snapshot?: Uint8Array<ArrayBuffer>;
      /** Written by the interpreter's import guard the moment its Python reaches past its own memory (see below). */
      reached: SharedArrayBuffer;
      python: PythonSetup;
    }
  | { kind: 'call'; request: SandboxRequest };

/** An interpreter Worker to the supervisor. */
export type FromInterpreter =
  | { kind: 'snapshot'; snapshot: Uint8Array<ArrayBuffer> }
  | { kind: 'ready' }
  | {
      kind: 'answer';
      answer: Omit<SandboxAnswer, 'timedOut' | 'cost'>;
      /**
       * The call left nothing outside the interpreter's memory, which has been restored, so the Worker may serve the
       * next call. The supervisor also reads `reached` itself and never takes a Worker's word for it.
       */
      reusable: boolean;
      resetMs: number;
      runMs: number;
    }
  | { kind: 'failed'; error: string };
