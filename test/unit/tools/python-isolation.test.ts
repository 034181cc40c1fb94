// Nothing crosses from one python call to the next (one trajectory to another), written as the attacker: Python
// that recovers the JavaScript bridge, patches what later calls use, stores data, starts timers and looks for the
// GPU. Each runs in a real sandbox process started as the app starts one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processCpuSeconds } from '../../../src-main/tools/python/process-memory';
import { PythonTool } from '../../../src-main/tools/python/python-tool';
import { pyodideDir, sandboxCommand, sandboxEnvironment } from '../../../src-main/tools/python/sandbox-command';
import { SANDBOX_HOST } from '../../support/python-sandbox';

const tool = new PythonTool({ hostScript: SANDBOX_HOST, processes: 1, timeoutMs: 10_000, javascriptRequests: true });
afterAll(() => tool.stop());

/** Python that recovers the `js` module the guards replaced (one line, as the red team found) and runs JavaScript. */
const reachJavaScript = (javascript: string) =>
  ['import sys', 'del sys.modules["js"]', 'import js', `print(js.eval(${JSON.stringify(javascript)}))`].join('\n');

/** CPU seconds a process has used (user + system), from /proc. */
const cpuSeconds = (pid: number): number => processCpuSeconds(pid) ?? NaN;

describe('python calls are isolated from each other at every level', () => {
  it('a call that patches JavaScript through the recovered bridge changes nothing the next call returns', async () => {
    const attack = await tool.runMeasured(
      reachJavaScript(
        [
          "globalThis.planted = 'left behind'",
          "TextDecoder.prototype.decode = function () { return 'FORGED' }",
          'JSON.stringify = () => \'"FORGED"\'',
          'DataView.prototype.getUint32 = () => 0',
          "'patched'",
        ].join('; '),
      ),
    );
    expect(attack.result.output).not.toMatch(/Error/); // the attack itself ran
    const next = await tool.runMeasured('print("honest", 6 * 7)');
    expect(next.result.output).toBe('honest 42\n');
    expect(next.cost?.replaced).toBe(true); // the reached interpreter's realm was ended, not reused
    expect((await tool.run(reachJavaScript('typeof globalThis.planted'))).output).toBe('undefined\n');
    // Pyodide's own module object, reachable the same way, is the next interpreter's no more.
    const memory = await tool.run(
      [
        'import sys',
        'del sys.modules["pyodide_js"]',
        'import pyodide_js',
        'pyodide_js._module.HEAPU8.fill(0, 0, 1 << 20)',
      ].join('\n'),
    );
    expect(memory.output).toBeDefined();
    expect((await tool.run('sum(range(10))')).output).toBe('45');
  });

  it('an ordinary call leaves the interpreter as it found it, and the next call reuses it', async () => {
    await tool.run('print("warm")');
    const dirty = await tool.runMeasured(
      [
        'import os, sys, random, math',
        'os.environ["PLANTED"] = "1"',
        'sys.path.insert(0, "/planted")',
        'math.pi = 3',
        'keep = open("/lib/python314.zip", "rb")',
        'print(random.random())',
      ].join('\n'),
    );
    const first = Number(dirty.result.output);
    const clean = await tool.runMeasured(
      'import os, sys, random, math\nprint("PLANTED" in os.environ, "/planted" in sys.path, math.pi > 3, random.random())',
    );
    const [planted, onPath, pi, second] = clean.result.output.trim().split(' ');
    expect([planted, onPath, pi]).toEqual(['False', 'False', 'True']);
    expect(Number(second)).not.toBe(first); // each call draws fresh randomness, not the snapshot's generator state
    expect(clean.cost?.replaced).toBe(false);
    expect(clean.cost?.resetMs).toBeGreaterThan(0);
    const moved = await tool.run('import os\nos.chdir("/tmp")\nos.getcwd()');
    expect(moved.output).toBe('/tmp');
    expect((await tool.run('import os\nos.getcwd()')).output).toBe('/home/pyodide');
  });

  it('no storage, GPU, Worker or channel between Workers exists inside, from Python or JavaScript', async () => {
    const names = [
      'localStorage',
      'sessionStorage',
      'caches',
      'indexedDB',
      'navigator.gpu',
      'Worker',
      'BroadcastChannel',
    ];
    const fromPython = await tool.run(reachJavaScript(`[${names.map((name) => `typeof ${name}`).join(', ')}].join()`));
    expect(fromPython.output).toBe(`${names.map(() => 'undefined').join()}\n`);
    const fromJavaScript = await tool.runJavaScript(`return [${names.map((name) => `typeof ${name}`).join(', ')}]`);
    expect(fromJavaScript.kind === 'answer' && JSON.parse(fromJavaScript.answer.value ?? '[]')).toEqual(
      names.map(() => 'undefined'),
    );
  });

  it.runIf(process.platform === 'linux')('timers a call started stop using CPU when it returns', async () => {
    const busy = await tool.run(
      reachJavaScript('setInterval(() => { const end = Date.now() + 50; while (Date.now() < end); }, 0); "spinning"'),
    );
    expect(busy.output).toBe('spinning\n');
    expect((await tool.run('print("next")')).output).toBe('next\n');
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // the replacement interpreter finishes starting
    const [pid] = tool.pids();
    const before = cpuSeconds(pid!);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(cpuSeconds(pid!) - before).toBeLessThan(0.3);
  });
});

describe('the sandbox process outside the interpreters', () => {
  it('Deno keeps no storage and finds no GPU under the sandbox environment, even with every permission', () => {
    const folder = mkdtempSync(join(tmpdir(), 'aepo-deno-'));
    const script = join(folder, 'probe.js');
    writeFileSync(
      script,
      `const results = [];
for (const attempt of [
  () => { localStorage.setItem('k', 'v'); return 'stored'; },
  async () => { await (await caches.open('c')).put('http://a/', new Response('x')); return 'cached'; },
  async () => ((await navigator.gpu.requestAdapter()) ? 'adapter' : 'no adapter'),
]) {
  try { results.push(String(await attempt())); } catch (error) { results.push('DENIED ' + error.name); }
}
console.log(JSON.stringify(results));`,
    );
    const run = (environment: Record<string, string>) => {
      const { binary } = sandboxCommand({
        hostScript: SANDBOX_HOST,
        wasmHeapMb: 64,
        jsHeapMb: 256,
        spareInterpreters: 1,
      });
      const result = spawnSync(binary, ['run', '--no-config', '-A', script], {
        env: environment,
        encoding: 'utf8',
        timeout: 60_000,
      });
      return JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]') as string[];
    };
    const [stored, cached, adapter] = run(sandboxEnvironment(pyodideDir()));
    expect(stored).toMatch(/^DENIED/);
    expect(cached).toMatch(/^DENIED/);
    expect(adapter).toBe('no adapter');
    // Where a Vulkan driver is installed (CI installs Mesa's software one), the same probe without the sandbox's
    // environment finds an adapter: the environment, not the machine, is what hides it.
    const vulkanDrivers = '/usr/share/vulkan/icd.d';
    if (existsSync(vulkanDrivers) && readdirSync(vulkanDrivers).some((file) => file.startsWith('lvp')))
      expect(run({ HOME: folder })[2]).toBe('adapter');
  });

  it.runIf(process.platform === 'linux')(
    'ends within two seconds after its parent is killed during `while True: pass`',
    async () => {
      const command = sandboxCommand({
        hostScript: SANDBOX_HOST,
        wasmHeapMb: 256,
        jsHeapMb: 600,
        spareInterpreters: 1,
      });
      const parentScript = join(mkdtempSync(join(tmpdir(), 'aepo-parent-')), 'parent.mjs');
      // A stand-in for the app: starts the sandbox, sends a call that never ends, reports the sandbox's pid.
      writeFileSync(
        parentScript,
        `import { spawn } from 'node:child_process';
const { binary, args, env, cwd } = JSON.parse(process.argv[2]);
const child = spawn(binary, args, { env, cwd, stdio: ['pipe', 'pipe', 'ignore'] });
child.stdout.once('data', () => {
  child.stdin.write(JSON.stringify({ id: 1, code: 'while True: pass', maxOutput: 100, timeoutMs: 600000 }) + '\\n');
  setTimeout(() => console.log(child.pid), 500);
});
setInterval(() => {}, 1000);`,
      );
      const parent = spawn(process.execPath, [parentScript, JSON.stringify(command)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const pid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (line) => resolve(Number(String(line)))),
      );
      const spinning = cpuSeconds(pid);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(cpuSeconds(pid) - spinning).toBeGreaterThan(0.3); // the interpreter really is looping
      parent.kill('SIGKILL');
      const killed = performance.now();
      const ended = () =>
        !existsSync(`/proc/${pid}`) || /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      while (!ended() && performance.now() - killed < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      const elapsed = performance.now() - killed;
      if (!ended()) process.kill(pid, 'SIGKILL');
      expect(elapsed).toBeLessThan(2_000);
    },
    60_000,
  );
});
