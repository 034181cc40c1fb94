import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonTool } from '../../../src-main/tools/python/python-tool';

// The worker runs from its TypeScript source through tsx (the app runs out/main/python-worker.js).
const tool = new PythonTool({
  script: new URL('../../support/ts-worker.mjs', import.meta.url),
  workerData: { entry: new URL('../../../src-main/tools/python/python-worker.ts', import.meta.url).href },
  timeoutMs: 4_000,
  maxOutput: 2_000,
});
afterAll(() => tool.stop());

describe('python tool (Pyodide in a worker thread)', () => {
  it('prints what the code prints and a bare last expression', async () => {
    expect(await tool.run('print(6 * 7)')).toMatchObject({ ok: true, output: '42\n' });
    expect((await tool.run('x = [i * i for i in range(5)]\nsum(x)')).output).toBe('30');
    const failed = await tool.run('1 / 0');
    expect(failed.ok).toBe(false);
    expect(failed.output).toMatch(/ZeroDivisionError: division by zero$/);
  });

  it('an infinite loop times out, the process stays up, and the next call works', async () => {
    const looping = await tool.run('while True:\n    pass');
    expect(looping).toMatchObject({ ok: false, error: 'timeout' });
    expect(looping.ms).toBeLessThan(6_000);
    expect((await tool.run('print("alive")')).output).toBe('alive\n');
  });

  it('a 50 MB print comes back cut to the output limit', async () => {
    const big = await tool.run('print("x" * 50_000_000)');
    expect(big.ok).toBe(true);
    expect(big.output.length).toBeLessThan(2_100);
    expect(big.output).toMatch(/\[\d+ more characters cut\]$/);
  });

  it('sees no host files, no sockets, no network and no JS bridge', async () => {
    expect((await tool.run('open("/etc/passwd").read()')).output).toMatch(/FileNotFoundError/);
    // A real listener on this machine: nothing from the python tool may reach it.
    let connections = 0;
    const server = createServer(() => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect((await tool.run(`import socket\nsocket.create_connection(("127.0.0.1", ${port}))`)).output).toMatch(/network access is disabled/);
    expect((await tool.run(`import _socket\ns = _socket.socket()\ns.connect(("127.0.0.1", ${port}))\ns.send(b"x")`)).ok).toBe(false);
    expect((await tool.run(`import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/")`)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.close();
    expect(connections).toBe(0);
    expect((await tool.run('import js\njs.fetch')).output).toMatch(/AttributeError/);
    expect((await tool.run('import pyodide_js\npyodide_js.runPython')).output).toMatch(/AttributeError/);
    expect((await tool.run('from pyodide.code import run_js\nrun_js("1")')).output).toMatch(/PermissionError: JavaScript is not available/);
    expect((await tool.run('print("still fine")')).output).toBe('still fine\n');
  });
});
