/**
 * The python sandbox: the entry of a separate Deno process that runs model-written Python in Pyodide. The process
 * may read Pyodide's own files and its two entry files and nothing else: no other host file, no writes, no
 * processes, no network, no environment, no FFI, no GPU, no storage (the flags and environment are set by the app in
 * sandbox-command.ts; why Deno, and what that does and does not guarantee: docs/python-sandbox.md).
 *
 * This thread only supervises: it reads the app's requests, hands each to an interpreter Worker
 * (sandbox-interpreter.ts), ends a Worker whose call runs past its time or that its call reached beyond the
 * interpreter's memory, and exits as soon as the app's end of the pipe closes, whatever an interpreter is doing.
 *
 * This file imports nothing at run time (types only).
 */
import type {
  FromInterpreter,
  InterpreterCost,
  PythonSetup,
  SandboxAnswer,
  SandboxConfig,
  SandboxReady,
  SandboxRequest,
  ToInterpreter,
} from './sandbox-protocol';

/** The few parts of Deno's global this file uses (the app's type-check knows Node, not Deno). */
declare const Deno: {
  args: string[];
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  stdin: { readable: AsyncIterable<Uint8Array> };
  stdout: { write(bytes: Uint8Array): Promise<number> };
  exit(code: number): never;
};
declare class Worker {
  constructor(url: string, options: { type: 'module'; name: string });
  postMessage(message: ToInterpreter, transfer?: Transferable[]): void;
  onmessage: ((event: { data: FromInterpreter }) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
  terminate(): void;
}

const started = performance.now();
const config = JSON.parse(Deno.args[0] ?? '{}') as SandboxConfig;
/** How long no call must have come before a spare interpreter is started. */
const QUIET_BEFORE_SPARE_MS = 30;
/** The code buffer (the longest code a call may send, bytes) and the runner's answer buffer. */
const CODE_BYTES = 1 << 20;
const RESULT_BYTES = 1 << 20;

/**
 * Python-level guards and the runner, run once before the snapshot so every interpreter has them. The guards give
 * clear errors for what the process's permissions and the import guard deny anyway.
 */
const PYTHON: PythonSetup = {
  guards: `
import sys as _sys, types as _types, os as _os, posix as _posix, socket as _socket, pyodide.code as _code
for _name in ("js", "pyodide_js"):
    _sys.modules[_name] = _types.ModuleType(_name)
def _no_js(*args, **kwargs):
    raise PermissionError("JavaScript is not available in the python tool")
def _no_processes(*args, **kwargs):
    raise PermissionError("starting processes is not available in the python tool")
def _no_network(*args, **kwargs):
    raise OSError("network access is disabled in the python tool")
_code.run_js = _no_js
for _module in (_os, _posix):
    for _name in ("system", "popen", "fork", "forkpty", "execv", "execve", "spawnv", "spawnve", "posix_spawn", "posix_spawnp"):
        if hasattr(_module, _name):
            setattr(_module, _name, _no_processes)
# No host path inside: Emscripten names the program after the host's entry script (os.environ["_"], sys.executable).
_os.environ["_"] = "/usr/bin/python3"
_sys.executable = "/usr/bin/python3"
_socket.socket.connect = _no_network
_socket.socket.connect_ex = _no_network
_socket.create_connection = _no_network
del _sys, _types, _os, _posix, _socket, _code, _name, _module, _no_js, _no_processes, _no_network
`,
  // Each call: read the code from the code buffer, run it as a fresh __main__ (the value of a bare last expression
  // is kept, as in the authors' tool), write the answer to the answer buffer: ok (1 byte), then the value and the
  // error, each a 4-byte length (0xFFFFFFFF: None) and UTF-8. Everything the runner uses is bound when it is defined,
  // so code that patches builtins or modules can't break it. The modules most calls import are loaded once here.
  runner: `
import sys as _sys, traceback as _traceback, random as _random, pyodide.code as _code
import math, cmath, re, fractions, decimal, itertools, functools, collections, statistics, string, heapq, bisect
import operator, datetime, copy, typing, dataclasses, enum, json
_aepo_code = bytearray(${CODE_BYTES + 8})
_aepo_result = bytearray(${RESULT_BYTES})
def _aepo_run(
    code=_aepo_code, result=_aepo_result, len=len, str=str, bytes=bytes, int=int, type=type, BaseException=BaseException,
    eval_code=_code.eval_code, format_exception=_traceback.format_exception_only, seed=_random.seed, sys=_sys,
):
    def cut(text, limit):
        return text if len(text) <= limit else text[:limit] + "\\n... [" + str(len(text) - limit) + " more characters cut]"
    def field(text):
        if text is None:
            return b"\\xff\\xff\\xff\\xff"
        encoded = text.encode("utf-8", "replace")
        return len(encoded).to_bytes(4, "little") + encoded
    length = int.from_bytes(code[0:4], "little")
    limit = int.from_bytes(code[4:8], "little")
    source = bytes(code[8:8 + length]).decode("utf-8", "replace")
    seed()  # the snapshot's generator state would repeat in every call
    ok, value, error = True, None, None
    try:
        value = eval_code(source, {"__name__": "__main__"})
        value = None if value is None else cut(str(value), limit)
    except BaseException as exception:
        ok = False
        try:
            lines = format_exception(type(exception), exception)
            error = cut(lines[-1].strip(), limit)
        except BaseException:
            error = type(exception).__name__
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    answer = (b"\\x01" if ok else b"\\x00") + field(value) + field(error)
    if len(answer) > len(result):
        answer = b"\\x00" + field(None) + field("the answer is longer than the python tool accepts")
    result[0:len(answer)] = answer
`,
  addresses: `f"{id(_aepo_run)},{id(_aepo_code)},{id(_aepo_result)}"`,
  removedModules: [
    '_ctypes',
    '_testcapi',
    '_testinternalcapi',
    '_testlimitedcapi',
    '_testbuffer',
    '_testclinic',
    '_testclinic_limited',
    '_xxtestfuzz',
    '_remote_debugging',
  ],
};

/** Storage that outlives the process, the GPU: not reachable from this realm either. */
function removeReachableHostState(): void {
  const global = globalThis as Record<string, unknown>;
  for (const name of ['localStorage', 'sessionStorage', 'caches', 'indexedDB', 'BroadcastChannel']) delete global[name];
  delete (Object.getPrototypeOf(globalThis.navigator ?? {}) as Record<string, unknown>).gpu;
}

const encoder = new TextEncoder();
async function send(message: SandboxAnswer | SandboxReady): Promise<void> {
  let bytes = encoder.encode(`${JSON.stringify(message)}\n`);
  while (bytes.length > 0) bytes = bytes.subarray(await Deno.stdout.write(bytes));
}

/** An interpreter Worker, and the memory its import guard marks when a call reaches beyond the interpreter. */
class Interpreter {
  readonly worker = new Worker(config.interpreterScript, { type: 'module', name: 'python-interpreter' });
  readonly reached = new SharedArrayBuffer(4);
  readonly ready: Promise<void>;
  private onMessage: ((message: FromInterpreter) => void) | undefined;
  private onFailure: ((error: string) => void) | undefined;

  constructor(module: WebAssembly.Module, snapshot?: Uint8Array<ArrayBuffer>) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.onMessage = (message) => (message.kind === 'ready' ? resolve() : undefined);
      this.onFailure = (error) => reject(new Error(error));
    });
    this.worker.onmessage = ({ data }) =>
      data.kind === 'failed' ? this.onFailure?.(data.error) : this.onMessage?.(data);
    this.worker.onerror = (event) => {
      event.preventDefault(); // an uncaught error inside the Worker ends that Worker, not this process
      this.onFailure?.(event.message ?? 'the interpreter failed');
    };
    const init: ToInterpreter = { kind: 'init', config, module, snapshot, reached: this.reached, python: PYTHON };
    this.worker.postMessage(init);
  }

  /** The next message of a kind, or the Worker's failure. */
  next<K extends FromInterpreter['kind']>(kind: K): Promise<Extract<FromInterpreter, { kind: K }>> {
    return new Promise((resolve, reject) => {
      this.onMessage = (message) => {
        if (message.kind === kind) resolve(message as Extract<FromInterpreter, { kind: K }>);
      };
      this.onFailure = (error) => reject(new Error(error));
    });
  }

  /** Whether the last call reached beyond the interpreter's memory, read here rather than taken from the Worker. */
  get wasReached(): boolean {
    return Atomics.load(new Int32Array(this.reached), 0) !== 0;
  }
}

async function makeSnapshot(module: WebAssembly.Module): Promise<Uint8Array<ArrayBuffer>> {
  const maker = new Interpreter(module);
  try {
    return (await maker.next('snapshot')).snapshot;
  } finally {
    maker.worker.terminate();
  }
}

/** Requests as they arrive; the end of the app's pipe ends the process at once, even mid-call. */
async function readRequests(onRequest: (request: SandboxRequest) => void): Promise<never> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of Deno.stdin.readable) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onRequest(JSON.parse(buffered.slice(0, newline)) as SandboxRequest);
      buffered = buffered.slice(newline + 1);
    }
  }
  return Deno.exit(0);
}

async function main(): Promise<void> {
  removeReachableHostState();
  const module = await WebAssembly.compile(await Deno.readFile(`${config.pyodideDir}pyodide.asm.wasm`));
  const snapshot = await makeSnapshot(module);
  const start = () => new Interpreter(module, snapshot);
  let current = start();
  const spares: Interpreter[] = [];
  const queue: SandboxRequest[] = [];
  let lastCall = 0;
  let replaced = false;
  // Spares are started only while no call has come for a moment, so starting one never delays a call.
  const refill = () => {
    if (spares.length >= Math.max(1, config.spareInterpreters)) return;
    if (performance.now() - lastCall < QUIET_BEFORE_SPARE_MS || queue.length > 0) {
      setTimeout(refill, QUIET_BEFORE_SPARE_MS);
      return;
    }
    const spare = start();
    spares.push(spare);
    spare.ready.then(refill, fail);
  };
  const retire = () => {
    current.worker.terminate();
    current = spares.shift() ?? start();
    replaced = true;
    refill();
  };

  let serving = false;
  const serveQueue = async () => {
    if (serving) return;
    serving = true;
    for (let request = queue.shift(); request; request = queue.shift()) await send(await call(request));
    serving = false;
  };
  const call = async (request: SandboxRequest): Promise<SandboxAnswer> => {
    await current.ready;
    const interpreter = current;
    const cost: InterpreterCost = { resetMs: 0, runMs: 0, replaced };
    replaced = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, request.timeoutMs, 'timeout')));
    const answered = interpreter.next('answer');
    interpreter.worker.postMessage({ kind: 'call', request });
    const outcome = await Promise.race([answered, timedOut]).catch((error: Error) => error);
    clearTimeout(timer);
    lastCall = performance.now();
    if (outcome === 'timeout' || outcome instanceof Error || !outcome.reusable || interpreter.wasReached) retire();
    if (outcome === 'timeout' || outcome instanceof Error) {
      const error = outcome === 'timeout' ? `timed out after ${request.timeoutMs / 1000} s` : outcome.message;
      return {
        id: request.id,
        ok: false,
        stdout: '',
        stderr: '',
        value: null,
        error,
        timedOut: outcome === 'timeout',
        cost,
      };
    }
    return {
      ...outcome.answer,
      id: request.id,
      timedOut: false,
      cost: { ...cost, resetMs: outcome.resetMs, runMs: outcome.runMs },
    };
  };

  await current.ready;
  refill();
  await send({ ready: true, startMs: Math.round(performance.now() - started) });
  await readRequests((request) => {
    queue.push(request);
    void serveQueue().catch(fail);
  });
}

async function fail(error: unknown): Promise<never> {
  await send({
    id: -1,
    ok: false,
    stdout: '',
    stderr: '',
    value: null,
    error: `python sandbox failed: ${String(error)}`,
    timedOut: false,
    cost: { resetMs: 0, runMs: 0, replaced: false },
  });
  return Deno.exit(1);
}

main().catch(fail);
