/**
 * The python sandbox: the entry of a separate Deno process that runs model-written Python in Pyodide. The process
 * may read Pyodide's own files and nothing else: no other host file, no writes, no processes, no network, no
 * environment, no FFI (the permission flags are set by the app in sandbox-command.ts; why Deno, and what that does
 * and does not guarantee: docs/python-sandbox.md). Everything in this file is a second layer on top of that.
 *
 * Every call runs in a fresh interpreter restored from a memory snapshot taken right after start-up, so files,
 * builtins and modules changed by one call are never seen by the next; the next interpreter is restored while the
 * app is busy elsewhere, so a call does not wait for it.
 *
 * This file imports nothing at run time (types only): it is all the code the sandbox runs besides Pyodide.
 */
import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { SandboxAnswer, SandboxConfig, SandboxReady, SandboxRequest } from './sandbox-protocol';

/** The few parts of Deno's global this file uses (the app's type-check knows Node, not Deno). */
declare const Deno: {
  args: string[];
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  stdin: { readable: AsyncIterable<Uint8Array> };
  stdout: { write(bytes: Uint8Array): Promise<number> };
  exit(code: number): never;
  memoryUsage(): { rss: number };
};

type Pyodide = PyodideAPI;
/** How long no call must have come before a spare interpreter is restored. */
const QUIET_BEFORE_RESTORE_MS = 30;
const started = performance.now();
const config = JSON.parse(Deno.args[0] ?? '{}') as SandboxConfig;

// A hard ceiling on the interpreter's heap: Emscripten grows its memory through Memory.grow and turns a refusal into
// a failed malloc, which Python reports as MemoryError. (The app also watches the whole process from outside.)
const heapLimit = config.wasmHeapMb * 2 ** 20;
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, pages: number) {
  if (this.buffer.byteLength + pages * 65_536 > heapLimit) throw new RangeError('python sandbox: memory limit reached');
  return grow.call(this, pages);
};

/**
 * Pyodide compiles its 9.6 MB WebAssembly module on every load; compiling it once and reusing the module takes about
 * a quarter off restoring a fresh interpreter.
 */
function reuseCompiledPyodide(source: Uint8Array<ArrayBuffer>): void {
  const compiled = WebAssembly.compile(source);
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (
    bytes: unknown,
    imports?: WebAssembly.Imports,
  ) => Promise<unknown>;
  (WebAssembly as { instantiate: unknown }).instantiate = async (bytes: unknown, imports?: WebAssembly.Imports) => {
    if (!(bytes instanceof WebAssembly.Module) && (bytes as ArrayBufferLike).byteLength === source.byteLength) {
      const module = await compiled;
      return { module, instance: await instantiate(module, imports) };
    }
    return instantiate(bytes, imports);
  };
}

/**
 * Python-level guards, run once before the snapshot so every restored interpreter has them: no JS bridge for the
 * user's code, no processes, no sockets. They give clear errors; the process's permissions are what contain.
 */
const PYTHON_GUARDS = `
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
`;

/** The parts of Pyodide's Emscripten module changed in every interpreter (JS-side state is not in the snapshot). */
interface EmscriptenModule {
  SOCKFS: { createSocket: (...args: unknown[]) => unknown };
  FS: { ErrnoError: new (errno: number) => Error };
}
/** Emscripten's errno for "permission denied". */
const EACCES = 2;

/** An interpreter's WebAssembly heap, bytes. */
const heapBytes = (py: Pyodide) => (py as unknown as { _module: { HEAPU8: Uint8Array } })._module.HEAPU8.byteLength;
/** A heap this large (the snapshot is about 32 MB) is freed right after its call rather than when the process is quiet. */
const LARGE_HEAP_BYTES = 128 * 2 ** 20;

function harden(py: Pyodide): Pyodide {
  // Pyodide opens real sockets under a Node-like runtime; here socket creation fails whatever the Python route.
  const module = (py as unknown as { _module: EmscriptenModule })._module;
  module.SOCKFS.createSocket = () => {
    throw new module.FS.ErrnoError(EACCES);
  };
  py.setStdin({ error: true });
  return py;
}

/** Collects a stream up to a limit and stops keeping (not just showing) the rest, so a huge print can't exhaust memory. */
function collector(limit: number) {
  let text = '';
  let dropped = 0;
  return {
    write(chunk: string) {
      const room = limit - text.length;
      if (room > 0) text += chunk.slice(0, room);
      dropped += Math.max(0, chunk.length - Math.max(0, room));
    },
    read: () => (dropped > 0 ? `${text}\n... [${dropped} more characters cut]` : text),
  };
}

const cut = (text: string, limit: number) =>
  text.length > limit ? `${text.slice(0, limit)}\n... [${text.length - limit} more characters cut]` : text;

async function runPython(py: Pyodide, request: SandboxRequest): Promise<SandboxAnswer> {
  const decoder = new TextDecoder();
  const stdout = collector(request.maxOutput);
  const stderr = collector(request.maxOutput);
  py.setStdout({ write: (bytes: Uint8Array) => (stdout.write(decoder.decode(bytes)), bytes.length) });
  py.setStderr({ write: (bytes: Uint8Array) => (stderr.write(decoder.decode(bytes)), bytes.length) });
  try {
    const result: unknown = await py.runPythonAsync(request.code ?? '');
    const value = result === undefined || result === null ? null : cut(String(result), request.maxOutput);
    return { id: request.id, ok: true, stdout: stdout.read(), stderr: stderr.read(), value, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Python tracebacks are long; the model needs the last line (the exception) most.
    const last = message.trim().split('\n').slice(-1)[0] ?? message;
    return {
      id: request.id,
      ok: false,
      stdout: stdout.read(),
      stderr: stderr.read(),
      value: null,
      error: cut(last, request.maxOutput),
    };
  }
}

async function runJavaScript(request: SandboxRequest): Promise<SandboxAnswer> {
  const answer = { id: request.id, stdout: '', stderr: '' };
  try {
    const body = `(async () => {${request.javascript ?? ''}\n})()`;
    const result: unknown = await (0, eval)(body);
    return { ...answer, ok: true, value: cut(JSON.stringify(result) ?? 'undefined', request.maxOutput), error: null };
  } catch (error) {
    return { ...answer, ok: false, value: null, error: cut(String(error), request.maxOutput) };
  }
}

const encoder = new TextEncoder();
async function send(message: SandboxAnswer | SandboxReady): Promise<void> {
  let bytes = encoder.encode(`${JSON.stringify(message)}\n`);
  while (bytes.length > 0) bytes = bytes.subarray(await Deno.stdout.write(bytes));
}

async function* lines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
    }
  }
}

async function main(): Promise<void> {
  reuseCompiledPyodide(await Deno.readFile(`${config.pyodideDir}pyodide.asm.wasm`));
  const { loadPyodide } = (await import(config.pyodideModule)) as { loadPyodide: typeof LoadPyodide };
  const quiet = { stdout: () => {}, stderr: () => {} };
  // The interpreter the snapshot is taken from is not kept: only the snapshot is.
  const snapshot = await (async () => {
    const base = await loadPyodide({ indexURL: config.pyodideDir, _makeSnapshot: true, ...quiet });
    base.runPython(PYTHON_GUARDS);
    return base.makeMemorySnapshot();
  })();
  const fresh = async () =>
    harden(await loadPyodide({ indexURL: config.pyodideDir, _loadSnapshot: snapshot, ...quiet }));
  // Interpreters restored ahead of calls. Restoring takes tens of milliseconds of this one thread, so it happens only
  // while no call has come for a moment: a burst of calls is served from the spares without waiting behind restores.
  const spares: Promise<Pyodide>[] = [fresh()];
  let lastCall = 0;
  let busy = false;
  let refilling = false;
  const refill = async (): Promise<void> => {
    while (spares.length < Math.max(1, config.spareInterpreters)) {
      if (busy || performance.now() - lastCall < QUIET_BEFORE_RESTORE_MS) {
        await new Promise((resolve) => setTimeout(resolve, QUIET_BEFORE_RESTORE_MS));
        continue;
      }
      // Dropped interpreters' heaps are freed now rather than at V8's leisure, so the process holds only its spares.
      (globalThis as { gc?: () => void }).gc?.();
      const restored = fresh();
      spares.push(restored);
      await restored;
    }
  };
  // An interpreter that can't be restored means a broken process: end it, and the app starts another.
  const refillWhenQuiet = () => {
    if (refilling) return;
    refilling = true;
    refill().then(() => (refilling = false), fail);
  };
  await spares[0];
  refillWhenQuiet();
  await send({ ready: true, startMs: Math.round(performance.now() - started) });
  for await (const line of lines(Deno.stdin.readable)) {
    const request = JSON.parse(line) as SandboxRequest;
    if (request.javascript !== undefined && config.javascriptRequests) {
      await send(await runJavaScript(request));
      continue;
    }
    busy = true;
    let py: Pyodide | undefined = await (spares.shift() ?? fresh());
    const answer = await runPython(py, request);
    const grewLarge = heapBytes(py) > LARGE_HEAP_BYTES || Deno.memoryUsage().rss > config.collectAboveMb * 2 ** 20;
    py = undefined;
    busy = false;
    lastCall = performance.now();
    await send(answer);
    // The interpreter that ran this call is dropped; the next call gets a fresh one. One that grew large, or a
    // process grown large (huge strings from a big print), is freed at once, so the next call stays under the cap.
    if (grewLarge) (globalThis as { gc?: () => void }).gc?.();
    refillWhenQuiet();
  }
  Deno.exit(0);
}

async function fail(error: unknown): Promise<never> {
  await send({
    id: -1,
    ok: false,
    stdout: '',
    stderr: '',
    value: null,
    error: `python sandbox failed: ${String(error)}`,
  });
  return Deno.exit(1);
}

main().catch(fail);
