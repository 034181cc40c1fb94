/**
 * One python interpreter of the sandbox, in its own Worker (a JavaScript realm of its own) of a sandbox process (the
 * process's permissions and why: sandbox-command.ts; the design and its figures: docs/python-sandbox.md).
 *
 * Every call starts from the same interpreter state, restored by copying the interpreter's WebAssembly memory back
 * (a few milliseconds) instead of starting a new interpreter (hundreds). That is sound only while a call changes
 * nothing outside that memory, so every function the interpreter can call outside it (its WebAssembly imports) is
 * guarded: the few that only read, or write the call's own output, pass; the first call of any other (the bridge to
 * JavaScript, a file written, a directory changed, a pointer to native code) marks this Worker as reached, in memory
 * the supervisor shares and reads, before anything it does can run. A reached Worker is never used again: the
 * supervisor ends it, with every timer, promise and object its call left behind.
 *
 * This file imports nothing at run time (types only): it is all the code an interpreter Worker runs besides Pyodide.
 */
import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { FromInterpreter, PythonSetup, SandboxConfig, SandboxRequest, ToInterpreter } from './sandbox-protocol';

/** The Worker's global scope, as far as this file uses it (the app's type-check knows Node, not Deno). */
declare const self: {
  postMessage(message: FromInterpreter, transfer?: Transferable[]): void;
  onmessage: ((event: { data: ToInterpreter }) => void) | null;
};

// Captured before any other code runs here, so nothing patched later changes how this file talks to the supervisor.
const post = self.postMessage.bind(self);
const atomicsStore = Atomics.store.bind(Atomics);
const atomicsLoad = Atomics.load.bind(Atomics);

/** What no interpreter may use, removed from this realm before Pyodide loads (the process's flags deny the rest). */
function removeReachableHostState(): void {
  const global = globalThis as Record<string, unknown>;
  // Storage that outlives the Worker (Deno keeps it on disk), the GPU, other Workers and the channels between them.
  for (const name of ['localStorage', 'sessionStorage', 'caches', 'indexedDB', 'Worker', 'BroadcastChannel'])
    delete global[name];
  const navigatorPrototype = Object.getPrototypeOf(globalThis.navigator ?? {}) as Record<string, unknown>;
  delete navigatorPrototype.gpu;
}

/**
 * The interpreter's imports that touch nothing outside its memory but the call's own output: they may be called by
 * a call whose interpreter is then restored and reused. Found by running ordinary code (printing, errors, imports,
 * reading the standard library, time, randomness) with every import recorded; anything else retires the Worker.
 */
const READ_ONLY_IMPORTS = new Set([
  'fd_read',
  'fd_pread',
  'fd_seek',
  'fd_close',
  'fd_fdstat_get',
  '__syscall_fstat64',
  '__syscall_stat64',
  '__syscall_lstat64',
  '__syscall_newfstatat',
  '__syscall_getcwd',
  '__syscall_getdents64',
  '__syscall_readlinkat',
  '__syscall_faccessat',
  '__syscall_statfs64',
  '__syscall_fstatfs64',
  '__syscall_getuid32_js',
  'clock_time_get',
  'clock_res_get',
  'emscripten_get_now',
  'emscripten_date_now',
  'random_get',
  '_tzset_js',
  '_localtime_js',
  '_gmtime_js',
  '_mktime_js',
  '_timegm_js',
  'environ_sizes_get',
  'environ_get',
  '_emscripten_get_progname',
  'emscripten_get_heap_max',
  // The heap's growth is checked after the call: a grown interpreter is retired, so its memory is given back.
  'emscripten_resize_heap',
  'can_run_sync_js',
  '_Py_CheckEmscriptenSignals_Helper',
]);
/** musl's open flags that write or create (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_TMPFILE's own bit). */
const OPEN_WRITES = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000 | 0o20000000;
/** fcntl commands that only read (F_GETFD, F_GETFL) or do nothing in Emscripten (F_SETFD). */
const FCNTL_READS = new Set([1, 2, 3]);
/** ioctl requests that only read a terminal's settings (TCGETS, TIOCGWINSZ): how Python asks isatty(). */
const IOCTL_READS = new Set([0x5401, 0x5413]);
/** Imports that pass with some arguments only: writing the call's own output, opening a file to read it. */
const READ_ONLY_WITH: Record<string, (...args: number[]) => boolean> = {
  fd_write: (fd) => fd === 1 || fd === 2,
  __syscall_openat: (_dir, _path, flags) => ((flags ?? 0) & OPEN_WRITES) === 0,
  __syscall_fcntl64: (_fd, command) => FCNTL_READS.has(command ?? -1),
  __syscall_ioctl: (_fd, request) => IOCTL_READS.has(request ?? -1),
};

/** The main module's instance, captured when Pyodide instantiates it (its exports and memory are used directly). */
let instance: WebAssembly.Instance | undefined;

/**
 * Instantiates Pyodide from the module the supervisor compiled once, with every import guarded: an import outside
 * the read-only set marks the Worker reached before it runs. (Imports are looked up by name, through a proxy,
 * because Pyodide resolves its dynamic-linking imports lazily.)
 */
function guardImports(module: WebAssembly.Module, reached: Int32Array): void {
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (
    bytes: unknown,
    imports?: WebAssembly.Imports,
  ) => Promise<unknown>;
  const guard = (name: string, original: (...args: number[]) => unknown) => {
    if (READ_ONLY_IMPORTS.has(name)) return original;
    const allowed = READ_ONLY_WITH[name];
    return function (this: unknown, ...args: number[]) {
      if (!allowed?.(...args)) atomicsStore(reached, 0, 1);
      return original.apply(this, args);
    };
  };
  const guarded = (imports: WebAssembly.Imports): WebAssembly.Imports => {
    const result: WebAssembly.Imports = {};
    for (const [space, table] of Object.entries(imports)) {
      const wrappers = new Map<string, unknown>();
      result[space] = new Proxy(table, {
        get(target, name) {
          const value = (target as Record<string | symbol, unknown>)[name];
          if (typeof value !== 'function' || typeof name !== 'string' || space.startsWith('GOT.')) return value;
          if (!wrappers.has(name)) wrappers.set(name, guard(name, value as (...args: number[]) => unknown));
          return wrappers.get(name);
        },
      });
    }
    return result;
  };
  (WebAssembly as { instantiate: unknown }).instantiate = async (bytes: unknown, imports?: WebAssembly.Imports) => {
    const pyodideModule = bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes);
    if (!pyodideModule || !imports) return instantiate(bytes, imports);
    const created = (await instantiate(module, guarded(imports))) as WebAssembly.Instance;
    instance = created;
    return { module, instance: created };
  };
}

/** A ceiling on the interpreter's heap: Emscripten turns a refused Memory.grow into a failed malloc (MemoryError). */
function capHeap(limitBytes: number): void {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, pages: number) {
    if (this.buffer.byteLength + pages * 65_536 > limitBytes)
      throw new RangeError('python sandbox: memory limit reached');
    return grow.call(this, pages);
  };
}

/** Collects a stream up to a limit and stops keeping (not just showing) the rest, so a huge print can't exhaust memory. */
function collector() {
  let text = '';
  let dropped = 0;
  let limit = 0;
  return {
    start(cap: number) {
      text = '';
      dropped = 0;
      limit = cap;
    },
    write(chunk: string) {
      const room = limit - text.length;
      if (room > 0) text += chunk.slice(0, room);
      dropped += Math.max(0, chunk.length - Math.max(0, room));
    },
    read: () => (dropped > 0 ? `${text}\n... [${dropped} more characters cut]` : text),
  };
}

interface EmscriptenModule {
  SOCKFS: { createSocket: (...args: unknown[]) => unknown };
  FS: { ErrnoError: new (errno: number) => Error; streams: unknown[]; cwd(): string };
}
/** Emscripten's errno for "permission denied". */
const EACCES = 2;

async function loadInterpreter(config: SandboxConfig, snapshot: Uint8Array | undefined): Promise<PyodideAPI> {
  const { loadPyodide } = (await import(config.pyodideModule)) as { loadPyodide: typeof LoadPyodide };
  const quiet = { stdout: () => {}, stderr: () => {} };
  if (!snapshot) return loadPyodide({ indexURL: config.pyodideDir, _makeSnapshot: true, ...quiet });
  return loadPyodide({ indexURL: config.pyodideDir, _loadSnapshot: snapshot, ...quiet });
}

/** Makes the process's snapshot: Pyodide with the guards, the modules most calls import, and the runner. */
async function makeSnapshot(config: SandboxConfig, python: PythonSetup): Promise<void> {
  const py = await loadInterpreter(config, undefined);
  removeBuiltinModules(python.removedModules);
  py.runPython(python.guards);
  py.runPython(python.runner);
  const snapshot = py.makeMemorySnapshot() as Uint8Array<ArrayBuffer>;
  post({ kind: 'snapshot', snapshot }, [snapshot.buffer]);
}

/**
 * Renames built-in modules in CPython's table of them, so importing one fails however the import is reached: ctypes
 * and the C-API test modules write raw memory, which could point the interpreter at code outside the guard.
 */
function removeBuiltinModules(names: string[]): void {
  const exports = instance?.exports as Record<string, WebAssembly.Global> | undefined;
  if (!exports) throw new Error('python sandbox: the interpreter was not instantiated through the import guard');
  const memory = exports.memory as unknown as WebAssembly.Memory;
  const heap = new DataView(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  const cString = (address: number) => new TextDecoder().decode(bytes.subarray(address, bytes.indexOf(0, address)));
  // PyImport_Inittab points at an array of { const char *name; initfunc } ended by a null name.
  const table = heap.getUint32(exports.PyImport_Inittab!.value as number, true);
  const removed = new Set<string>();
  for (let entry = table; heap.getUint32(entry, true) !== 0; entry += 8) {
    const name = heap.getUint32(entry, true);
    if (!names.includes(cString(name))) continue;
    removed.add(cString(name));
    bytes[name] = '!'.charCodeAt(0);
  }
  if (removed.size !== names.length)
    throw new Error(`python sandbox: built-in modules not found to remove: ${names.filter((n) => !removed.has(n))}`);
}

/** An interpreter restored from the snapshot, serving calls until one reaches past its memory. */
async function serve(config: SandboxConfig, snapshot: Uint8Array, reached: Int32Array, python: PythonSetup) {
  const py = await loadInterpreter(config, snapshot);
  const module = (py as unknown as { _module: EmscriptenModule })._module;
  // Pyodide opens real sockets under a Node-like runtime; here socket creation fails whatever the Python route.
  module.SOCKFS.createSocket = () => {
    throw new module.FS.ErrnoError(EACCES);
  };
  const stdout = collector();
  const stderr = collector();
  const decoder = new TextDecoder();
  py.setStdin({ error: true });
  py.setStdout({ write: (bytes: Uint8Array) => (stdout.write(decoder.decode(bytes)), bytes.length) });
  py.setStderr({ write: (bytes: Uint8Array) => (stderr.write(decoder.decode(bytes)), bytes.length) });
  if (!instance) throw new Error('python sandbox: the interpreter was not instantiated through the import guard');
  const exports = instance.exports as Record<string, unknown>;
  const bufferOf = exports.PyByteArray_AsString as (bytearray: number) => number;
  const [runner, codeObject, resultObject] = String(py.runPython(python.addresses)).split(',').map(Number) as [
    number,
    number,
    number,
  ];
  const sizeOf = exports.PyByteArray_Size as (bytearray: number) => number;
  const [codeBuffer, resultBuffer] = [bufferOf(codeObject), bufferOf(resultObject)];
  // The code buffer starts with the code's length and the output limit (4 bytes each).
  const [codeCapacity, resultCapacity] = [sizeOf(codeObject) - 8, sizeOf(resultObject)];
  const memory = exports.memory as WebAssembly.Memory;
  const callRunner = exports.PyObject_CallNoArgs as (callable: number) => number;
  const clearError = exports.PyErr_Clear as () => void;
  const stackPointer = exports.__stack_pointer as WebAssembly.Global;
  // The state every call starts from, taken with nothing running: memory, open files, stack and working folder.
  const pristine = new Uint8Array(memory.buffer).slice();
  const streams = [...module.FS.streams];
  const stack = stackPointer.value as number;
  const cwd = module.FS.cwd();
  const encoder = new TextEncoder();
  let resetMs = 0;
  atomicsStore(reached, 0, 0);
  const untouched = () =>
    atomicsLoad(reached, 0) === 0 &&
    memory.buffer.byteLength === pristine.byteLength &&
    stackPointer.value === stack &&
    module.FS.cwd() === cwd &&
    module.FS.streams.length === streams.length &&
    streams.every((stream, fd) => module.FS.streams[fd] === stream);

  const run = (request: SandboxRequest): FromInterpreter => {
    const started = performance.now();
    stdout.start(request.maxOutput);
    stderr.start(request.maxOutput);
    const code = encoder.encode(request.code ?? '');
    const answer = { id: request.id, ok: false, stdout: '', stderr: '', value: null as string | null, error: '' };
    let completed = false;
    if (code.length > codeCapacity) {
      answer.error = `the code is longer than the python tool accepts (${codeCapacity} bytes)`;
      completed = true;
    } else {
      const heap = new DataView(memory.buffer);
      heap.setUint32(codeBuffer, code.length, true);
      heap.setUint32(codeBuffer + 4, request.maxOutput, true);
      new Uint8Array(memory.buffer).set(code, codeBuffer + 8);
      try {
        if (callRunner(runner) === 0) {
          clearError();
          answer.error = 'the python tool failed to run the code';
        } else {
          Object.assign(answer, readResult(memory, resultBuffer, resultCapacity));
          completed = true;
        }
      } catch (error) {
        // A trap or a stack overflow inside the interpreter: its state is unknown, so it is not reused.
        answer.error = `the interpreter stopped: ${String(error).split('\n')[0]}`;
      }
    }
    answer.stdout = stdout.read();
    answer.stderr = stderr.read();
    const reusable = completed && untouched();
    return { kind: 'answer', answer, reusable, resetMs, runMs: performance.now() - started };
  };

  self.onmessage = async ({ data }) => {
    if (data.kind !== 'call') return;
    const { request } = data;
    if (request.javascript !== undefined && config.javascriptRequests) {
      atomicsStore(reached, 0, 1); // a test acting as an attacker who reached this realm: it is not reused
      post({ kind: 'answer', answer: await runJavaScript(request), reusable: false, resetMs: 0, runMs: 0 });
      return;
    }
    const message = run(request);
    post(message);
    if (message.kind !== 'answer' || !message.reusable) return;
    // Restored now, after the answer went out, so the next call finds the interpreter as the snapshot left it.
    const started = performance.now();
    new Uint8Array(memory.buffer).set(pristine);
    resetMs = performance.now() - started;
  };
  post({ kind: 'ready' });
}

/** The runner's answer (see PYTHON_RUNNER in sandbox-host.ts): ok, then the value and the error. */
function readResult(memory: WebAssembly.Memory, address: number, capacity: number) {
  const heap = new DataView(memory.buffer);
  const decoder = new TextDecoder();
  let offset = address + 1;
  const field = (): string | null => {
    const length = heap.getUint32(offset, true);
    offset += 4;
    if (length === 0xffffffff) return null;
    const end = Math.min(offset + length, address + capacity);
    const text = decoder.decode(new Uint8Array(memory.buffer, offset, Math.max(0, end - offset)));
    offset = end;
    return text;
  };
  const ok = heap.getUint8(address) === 1;
  const value = field();
  return { ok, value, error: field() };
}

async function runJavaScript(request: SandboxRequest) {
  const answer = { id: request.id, stdout: '', stderr: '' };
  const cut = (text: string) => text.slice(0, request.maxOutput);
  try {
    const body = `(async () => {${request.javascript ?? ''}\n})()`;
    const result: unknown = await (0, eval)(body);
    return { ...answer, ok: true, value: cut(JSON.stringify(result) ?? 'undefined'), error: null };
  } catch (error) {
    return { ...answer, ok: false, value: null, error: cut(String(error)) };
  }
}

self.onmessage = ({ data }) => {
  if (data.kind !== 'init') return;
  removeReachableHostState();
  capHeap(data.config.wasmHeapMb * 2 ** 20);
  const reached = new Int32Array(data.reached);
  guardImports(data.module, reached);
  const started = data.snapshot
    ? serve(data.config, data.snapshot, reached, data.python)
    : makeSnapshot(data.config, data.python);
  started.catch((error: unknown) => post({ kind: 'failed', error: String(error) }));
};
