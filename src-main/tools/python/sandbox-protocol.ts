/**
 * What the app and a python sandbox process say to each other: one JSON object a line, requests on the sandbox's
 * stdin and answers on its stdout. Types only, so the sandbox's entry file imports nothing at run time.
 * Everything that comes back is treated as hostile by the app (see python-tool.ts).
 */

/** The sandbox's one command-line argument (JSON). */
export interface SandboxConfig {
  /** Pyodide's folder as a file-system path (its files are all the sandbox may read). */
  pyodideDir: string;
  /** file:// URL of pyodide.mjs inside that folder. */
  pyodideModule: string;
  /** Largest WebAssembly heap an interpreter may grow to, in MiB (a larger allocation is Python's MemoryError). */
  wasmHeapMb: number;
  /** Above this resident size (MiB) the process frees garbage right after a call, to stay clear of the app's cap. */
  collectAboveMb: number;
  /** Fresh interpreters kept restored ahead of calls, so a burst of calls does not wait for restores. */
  spareInterpreters: number;
  /**
   * Tests only: also accept `javascript` requests, so a test can act as an attacker who has already reached the
   * sandbox's JavaScript side. The permissions the process runs under are the same either way.
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
}

export interface SandboxAnswer {
  id: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The value of a bare last expression, as the authors' tool prints it (None is not printed). */
  value: string | null;
  error: string | null;
}

/** The first line a sandbox writes once its first interpreter is ready. */
export interface SandboxReady {
  ready: true;
  /** Milliseconds from the process's start to its first interpreter. */
  startMs: number;
}
