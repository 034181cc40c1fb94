/**
 * The python tool's thread: Pyodide (CPython in WebAssembly, shipped inside the npm package) with an in-memory file
 * system, no JS bridge for the user's code and no network. The parent kills this thread on timeout.
 */
import { parentPort } from 'node:worker_threads';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';

export interface PythonRequest {
  id: number;
  code: string;
  /** Characters of stdout/stderr kept; the rest is cut with a note. */
  maxOutput: number;
}

export interface PythonAnswer {
  id: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The value of a bare last expression, as the authors' tool prints it (None is not printed). */
  value: string | null;
  error: string | null;
}

// No network for anything in this thread, Python's JS bridge included.
const blocked = () => {
  throw new Error('network access is disabled in the python tool');
};
Object.assign(globalThis, { fetch: blocked, XMLHttpRequest: undefined, WebSocket: undefined, EventSource: undefined });

/** The parts of Pyodide's Emscripten module the sandbox changes. */
interface PyodideModule {
  SOCKFS: { createSocket: (...args: unknown[]) => unknown };
  FS: { ErrnoError: new (errno: number) => Error };
}
/** Emscripten's errno for "permission denied". */
const EACCES = 2;

let pyodide: Promise<PyodideInterface> | undefined;

async function runtime(): Promise<PyodideInterface> {
  pyodide ??= (async () => {
    const py = await loadPyodide();
    // Pyodide opens real sockets in Node (through node:net). Creating one fails here instead (EACCES), whatever the
    // Python route (socket, _socket, urllib, http.client).
    const module = (py as unknown as { _module: PyodideModule })._module;
    module.SOCKFS.createSocket = () => {
      throw new module.FS.ErrnoError(EACCES);
    };
    // The user's code gets no handle on the JS world: `import js` and `import pyodide_js` give empty modules and
    // run_js refuses. (Defence in depth: the thread itself has no fetch and no sockets.)
    py.runPython(`
import sys as _sys, types as _types, pyodide.code as _code
for _name in ("js", "pyodide_js"):
    _sys.modules[_name] = _types.ModuleType(_name)
def _no_js(*args, **kwargs):
    raise PermissionError("JavaScript is not available in the python tool")
_code.run_js = _no_js
del _sys, _types, _code, _name, _no_js
`);
    // A clear error on the usual socket paths (SOCKFS above blocks the rest).
    py.runPython(`
import socket as _socket_module
def _no_network(*args, **kwargs):
    raise OSError("network access is disabled in the python tool")
_socket_module.socket.connect = _no_network
_socket_module.socket.connect_ex = _no_network
_socket_module.create_connection = _no_network
del _socket_module, _no_network
`);
    return py;
  })();
  return pyodide;
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

parentPort?.on('message', async (request: PythonRequest) => {
  const py = await runtime();
  const stdout = collector(request.maxOutput);
  const stderr = collector(request.maxOutput);
  py.setStdout({ write: (bytes: Uint8Array) => (stdout.write(new TextDecoder().decode(bytes)), bytes.length) });
  py.setStderr({ write: (bytes: Uint8Array) => (stderr.write(new TextDecoder().decode(bytes)), bytes.length) });
  let answer: PythonAnswer;
  try {
    const globals = py.toPy({}) as PyProxy;
    const result: unknown = await py.runPythonAsync(request.code, { globals });
    const value = result === undefined || result === null ? null : String(result);
    globals.destroy();
    answer = { id: request.id, ok: true, stdout: stdout.read(), stderr: stderr.read(), value, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Python tracebacks are long; the model needs the last line (the exception) most.
    const last = message.trim().split('\n').slice(-1)[0] ?? message;
    answer = { id: request.id, ok: false, stdout: stdout.read(), stderr: stderr.read(), value: null, error: last };
  }
  parentPort?.postMessage(answer);
});
