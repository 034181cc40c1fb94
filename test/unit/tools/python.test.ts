import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonTool } from '../../../src-main/tools/python/python-tool';
import { SANDBOX_HOST } from '../../support/python-sandbox';

const tool = new PythonTool({
  hostScript: SANDBOX_HOST,
  processes: 2,
  spareInterpreters: 1,
  timeoutMs: 4_000,
  maxOutput: 2_000,
  memoryMb: 800,
});
afterAll(() => tool.stop());

describe('python tool (Pyodide in a pool of sandbox processes)', () => {
  it('prints what the code prints and a bare last expression', async () => {
    expect(await tool.run('print(6 * 7)')).toMatchObject({ ok: true, output: '42\n' });
    expect((await tool.run('x = [i * i for i in range(5)]\nsum(x)')).output).toBe('30');
    const failed = await tool.run('1 / 0');
    expect(failed.ok).toBe(false);
    expect(failed.output).toMatch(/ZeroDivisionError: division by zero$/);
  });

  it('a timeout ends only the interpreter that ran it; the process and calls beside and behind it go on', async () => {
    await Promise.all([tool.run('1'), tool.run('2')]); // both processes warm
    const before = tool.pids();
    expect(before).toHaveLength(2);
    const looping = tool.run('while True:\n    pass');
    const others = await Promise.all(Array.from({ length: 4 }, (_, i) => tool.run(`print(${i})`)));
    expect(others.map((result) => result.output)).toEqual(['0\n', '1\n', '2\n', '3\n']);
    expect(others.every((result) => result.ms < 3_000)).toBe(true);
    const timedOut = await looping;
    expect(timedOut).toMatchObject({ ok: false, error: 'timeout' });
    expect(timedOut.ms).toBeLessThan(6_000);
    // The sandbox ended the looping interpreter itself: no process had to be killed and started again.
    expect(tool.pids().sort()).toEqual([...before].sort());
    expect((await tool.run('print("alive")')).output).toBe('alive\n');
  });

  it('cuts everything that comes back: printed text, a bare last expression and an error message', async () => {
    for (const code of [
      'print("x" * 50_000_000)',
      "'a' * 5_000_000",
      "raise ValueError('e' * 5_000_000)",
      'import sys\nsys.stderr.write("w" * 5_000_000)\n1/0',
    ]) {
      const result = await tool.run(code);
      expect(result.output.length, code).toBeLessThan(2_100);
      expect(result.output, code).toMatch(/\[\d+ more characters cut\]/);
    }
  });

  it('an allocation over the memory cap is a MemoryError, and the next call works', async () => {
    const big = await tool.run('blocks = [bytearray(100 * 2**20) for _ in range(20)]');
    expect(big.ok).toBe(false);
    // The interpreter's heap ceiling answers first (MemoryError); the watch on the process is the backstop.
    expect(big.output).toMatch(/MemoryError|memory limit of 800 MiB exceeded/);
    expect((await tool.run('print("fine")')).output).toBe('fine\n');
  });

  it('every call starts from a fresh interpreter: files, builtins and modules changed by one are not seen by the next', async () => {
    const dirty = await tool.run(
      [
        'import builtins, json, os',
        'open("/tmp/left-behind", "w").write("x")',
        'builtins.len = lambda x: -1',
        'json.dumps = None',
        'os.sep = "X"',
        'import sys',
        'sys.modules["planted"] = json',
        'print("dirty")',
      ].join('\n'),
    );
    expect(dirty.output).toBe('dirty\n');
    for (let i = 0; i < 3; i++) {
      const clean = await tool.run(
        'import os, json, sys\nprint(os.path.exists("/tmp/left-behind"), len([1, 2]), callable(json.dumps), os.sep, "planted" in sys.modules)',
      );
      expect(clean.output).toBe('False 2 True / False\n');
    }
  });

  it('sees no host files, no processes, no sockets, no network and no JS bridge', async () => {
    expect((await tool.run('open("/etc/passwd").read()')).output).toMatch(/FileNotFoundError/);
    const marker = join(mkdtempSync(join(tmpdir(), 'aepo-py-')), 'pwned');
    expect((await tool.run(`import os\nos.system("id > ${marker}")`)).output).toMatch(
      /PermissionError: starting processes is not available/,
    );
    expect((await tool.run(`import subprocess\nsubprocess.run(["id"])`)).ok).toBe(false);
    expect(existsSync(marker)).toBe(false);
    // A real listener on this machine: nothing from the python tool may reach it.
    let connections = 0;
    const server = createServer(() => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect((await tool.run(`import socket\nsocket.create_connection(("127.0.0.1", ${port}))`)).output).toMatch(
      /network access is disabled/,
    );
    expect(
      (await tool.run(`import _socket\ns = _socket.socket()\ns.connect(("127.0.0.1", ${port}))\ns.send(b"x")`)).ok,
    ).toBe(false);
    expect((await tool.run(`import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/")`)).ok).toBe(
      false,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.close();
    expect(connections).toBe(0);
    expect((await tool.run('import js\njs.fetch')).output).toMatch(/AttributeError/);
    expect((await tool.run('import pyodide_js\npyodide_js.runPython')).output).toMatch(/AttributeError/);
    expect((await tool.run('from pyodide.code import run_js\nrun_js("1")')).output).toMatch(
      /PermissionError: JavaScript is not available/,
    );
    // No host path: not in the environment, not as the program's name (Emscripten names it after the entry script).
    const seen = (await tool.run('import os, sys\nprint(repr(dict(os.environ)), sys.executable, sys.argv)')).output;
    expect(seen).toContain("'_': '/usr/bin/python3'");
    expect(seen).not.toMatch(new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(seen).not.toMatch(/python-sandbox|sandbox-host|node_modules/);
    expect((await tool.run('print("still fine")')).output).toBe('still fine\n');
  });

  it('retires a process after its number of calls and carries on in a new one', async () => {
    const recycling = new PythonTool({
      hostScript: SANDBOX_HOST,
      processes: 1,
      spareInterpreters: 1,
      recycleAfterCalls: 2,
    });
    await recycling.run('1');
    const [first] = recycling.pids();
    await recycling.run('2');
    expect((await recycling.run('print("third")')).output).toBe('third\n');
    expect(recycling.pids()).toHaveLength(1);
    expect(recycling.pids()[0]).not.toBe(first);
    await recycling.stop();
  });

  it('a sandbox that cannot start is a clear tool error, not a hang', async () => {
    const broken = new PythonTool({
      hostScript: join(tmpdir(), 'no-such-sandbox.js'),
      processes: 1,
      startTimeoutMs: 20_000,
    });
    const result = await broken.run('print(1)');
    await broken.stop();
    expect(result).toMatchObject({ ok: false, error: 'unavailable' });
    expect(result.output).toMatch(/python sandbox exited/);
  });
});
