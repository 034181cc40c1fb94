// The attacker already holds the sandbox's JavaScript side (as one who escaped Pyodide would): whatever it runs, the
// process's own permissions must deny the host. Each attack runs in a real sandbox process started exactly as the
// app starts one; only the test-only `javascript` requests are added.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../../src-main/tools/python/sandbox-process';
import { PythonTool } from '../../../src-main/tools/python/python-tool';
import { pyodideDir, sandboxEnvironment } from '../../../src-main/tools/python/sandbox-command';
import { SANDBOX_HOST } from '../../support/python-sandbox';

const SECRET = 'aepo-test-secret-4711';
process.env.AEPO_SANDBOX_TEST_SECRET = SECRET; // set before the sandbox starts: it must never see it
const tool = new PythonTool({
  hostScript: SANDBOX_HOST,
  processes: 1,
  spareInterpreters: 1,
  timeoutMs: 10_000,
  memoryMb: 900,
  javascriptRequests: true,
});
const scratch = mkdtempSync(join(tmpdir(), 'aepo-sandbox-'));
let connections = 0;
const listener = createServer((socket) => {
  connections++;
  socket.destroy();
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  await tool.stop();
  listener.close();
});

/** Runs attacker JavaScript; each attempt returns 'DENIED: …' or what it got. */
async function attack(body: string): Promise<string[]> {
  const outcome: CallOutcome = await tool.runJavaScript(body);
  if (outcome.kind !== 'answer') throw new Error(`the sandbox died: ${outcome.detail}`);
  if (!outcome.answer.ok) throw new Error(`the attack script failed: ${outcome.answer.error}`);
  return JSON.parse(outcome.answer.value ?? '[]') as string[];
}

const tryEach = (attempts: string[]) => `
const results = [];
for (const attempt of [${attempts.map((a) => `async () => { ${a} }`).join(',\n')}]) {
  try { results.push('GOT: ' + String(await attempt()).slice(0, 200)); } catch (error) { results.push('DENIED: ' + String(error).slice(0, 200)); }
}
return results;`;

async function sandboxAnswersNormally(): Promise<void> {
  expect((await tool.run('print(6 * 7)')).output).toBe('42\n');
}

describe('python sandbox: JavaScript inside it cannot reach the host', () => {
  it('reads no host file (/etc/passwd, by Deno, by node:fs, by a computed import, through /proc)', async () => {
    const results = await attack(
      tryEach([
        `return Deno.readTextFileSync('/etc/passwd')`,
        `return (await import('node:fs')).readFileSync('/etc/passwd', 'utf8')`,
        `return JSON.stringify(await import(['file://', '/etc/passwd'].join('')))`,
        `return Deno.readTextFileSync('/proc/self/environ')`,
        `return Deno.readDirSync('/').next().value.name`,
      ]),
    );
    expect(results).toHaveLength(5);
    for (const result of results)
      expect(result).toMatch(/^DENIED: .*(NotCapable|Requires read access|PermissionDenied)/);
    await sandboxAnswersNormally();
  });

  it('writes no file', async () => {
    const target = join(scratch, 'written-by-sandbox');
    const results = await attack(
      tryEach([
        `Deno.writeTextFileSync(${JSON.stringify(target)}, 'x'); return 'wrote'`,
        `(await import('node:fs')).writeFileSync(${JSON.stringify(target)}, 'x'); return 'wrote'`,
      ]),
    );
    for (const result of results) expect(result).toMatch(/^DENIED: .*(NotCapable|Requires write access)/);
    expect(existsSync(target)).toBe(false);
    await sandboxAnswersNormally();
  });

  it('starts no process', async () => {
    const marker = join(scratch, 'spawned');
    const results = await attack(
      tryEach([
        `return new TextDecoder().decode(new Deno.Command('/bin/sh', { args: ['-c', 'touch ${marker}'] }).outputSync().stdout)`,
        `return String((await import('node:child_process')).execFileSync('/bin/sh', ['-c', 'touch ${marker}']))`,
        `return Deno.dlopen('libc.so.6', { system: { parameters: ['buffer'], result: 'i32' } })`,
      ]),
    );
    for (const result of results) expect(result).toMatch(/^DENIED: .*(NotCapable|Requires (run|env|ffi) access)/);
    expect(existsSync(marker)).toBe(false);
    await sandboxAnswersNormally();
  });

  it('opens no connection to a loopback listener the test owns, by any route', async () => {
    const url = `http://127.0.0.1:${port}/`;
    const results = await attack(
      tryEach([
        `const c = await Deno.connect({ hostname: '127.0.0.1', port: ${port} }); c.close(); return 'connected'`,
        `return (await fetch('${url}')).status`,
        `const net = await import('node:net'); return await new Promise((ok, no) => { const s = net.connect(${port}, '127.0.0.1', () => ok('connected')); s.on('error', no); })`,
        `return Object.keys(await import(['${url}', 'x.js'].join('')))`,
        `return Object.keys(await import(['npm:', 'left-pad'].join('')))`,
        `const ws = new WebSocket('ws://127.0.0.1:${port}/'); return await new Promise((ok, no) => { ws.onopen = () => ok('open'); ws.onerror = () => no(new Error('ws failed')); })`,
      ]),
    );
    expect(results).toHaveLength(6);
    for (const result of results) expect(result).toMatch(/^DENIED: /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connections).toBe(0);
    await sandboxAnswersNormally();
  });

  it("never sees the app's environment: reading it is denied, and the process was started with its own", async () => {
    const results = await attack(
      tryEach([
        `return Deno.env.get('AEPO_SANDBOX_TEST_SECRET')`,
        `return JSON.stringify(Deno.env.toObject())`,
        `return (await import('node:process')).env.AEPO_SANDBOX_TEST_SECRET`,
        `return Deno.cwd()`,
      ]),
    );
    expect(results[3]).toBe(`GOT: ${parse(pyodideDir()).root}`); // the working folder names no host path
    for (const result of results) expect(result).not.toContain(SECRET);
    expect(results.slice(0, 2).every((result) => /^DENIED: .*Requires env access/.test(result))).toBe(true);
    const pid = tool.pids()[0]!;
    if (process.platform === 'linux') {
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      expect(environment.sort()).toEqual(
        Object.entries(sandboxEnvironment(pyodideDir()))
          .map(([name, value]) => `${name}=${value}`)
          .sort(),
      );
    }
    await sandboxAnswersNormally();
  });

  it('a process over its memory cap is killed and replaced', async () => {
    const before = tool.pids();
    const outcome = await tool.runJavaScript(
      `const keep = []; for (let i = 0; i < 40; i++) keep.push(new Uint8Array(100 * 2 ** 20).fill(1)); return keep.length`,
    );
    expect(outcome.kind).not.toBe('answer');
    expect(outcome.kind === 'answer' ? '' : outcome.detail).toMatch(/memory limit of 900 MiB exceeded|exited/);
    await sandboxAnswersNormally();
    expect(tool.pids().some((pid) => before.includes(pid))).toBe(false);
  });

  it('Python that plants a file for the host finds nothing to plant it in', async () => {
    writeFileSync(join(scratch, 'host-file'), 'host');
    const result = await tool.run(`open(${JSON.stringify(join(scratch, 'host-file'))}).read()`);
    expect(result.output).toMatch(/FileNotFoundError/);
  });
});
