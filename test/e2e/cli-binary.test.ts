import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startUntilUrl } from '../support/processes';
import { tempDir } from '../support/temp';

/** The installed command as a user runs it: bin/aepo-lab.js loading the built bundle. */
function aepoLab(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const result = spawnSync(process.execPath, ['bin/aepo-lab.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('aepo-lab command (built)', () => {
  it('runs through npx in the checkout', () => {
    const result = spawnSync('npx', ['aepo-lab', '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Commands:\n\s+serve/);
    expect(result.stdout).toContain('runs list');
  });

  it('prints a JSON array for runs list --json and exits 2 for an unknown command', () => {
    const dataDir = tempDir();
    const list = aepoLab(['runs', 'list', '--json', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual([]);
    const bad = aepoLab(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });

  it('conformance answers an array of contract cases in order, and a JSON error with exit 2 for bad input', () => {
    const cases = [
      { kind: 'premonitor', k: 12, h_root: 1, h_tool: [1], beta: 0.5 },
      {
        kind: 'branch_probability',
        algorithm: 'arpo',
        delta_h: 1,
        consecutive: 3,
        config: { tau: 0.5, gamma: 0.2, penalty: 0.05 },
      },
      {
        kind: 'loss',
        algorithm: 'grpo',
        config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean' },
        batch: {
          rewards: [1, 0],
          group: [0, 0],
          logp: [[-1], [-1]],
          old_logp: [[-1], [-1]],
          mask: [[1], [1]],
          entropy: [[1], [1]],
        },
      },
    ];
    const ok = aepoLab(['conformance'], {}, JSON.stringify(cases));
    expect(ok.code).toBe(0);
    const answers = JSON.parse(ok.out) as [{ m: number }, { p: number }, { loss: number; grad_logp: number[][] }];
    expect(answers[0]).toEqual({ m: 7 });
    expect(answers[1].p).toBeCloseTo(0.7, 10);
    expect(answers[2].loss).toBeCloseTo(0, 6);
    expect(answers[2].grad_logp[0]![0]).toBeCloseTo(-1 / Math.SQRT2 / 2, 5);
    const bad = aepoLab(['conformance'], {}, '{"kind":"loss","algorithm":"grpo","config":{"clip_low":"x"}}');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out)).toEqual({ error: { field: 'config.clip_low', message: expect.any(String) } });
    expect(bad.err).toBe('');
  });

  it('tool runs one call by hand: python in its worker thread, JSON result; a bad tool name exits 2', () => {
    const dataDir = tempDir();
    const result = aepoLab(['--data-dir', dataDir, 'tool', 'python', 'print(sum(range(10)))', '--json']);
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ ok: true, output: '45\n' });
    const looping = aepoLab(['--data-dir', dataDir, 'tool', 'search', '']);
    expect(looping.code).toBe(1);
    expect(aepoLab(['tool', 'shell', 'ls']).code).toBe(2);
  });

  it('bench --json ends with one JSON object of the model timings', () => {
    const result = aepoLab(['bench', '--json', '--size', 'tiny', '--no-reference']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report).toMatchObject({ backend: 'wasm', model: { size: 'tiny' }, torch_train_step_ms: null });
    for (const key of ['train_step_ms', 'train_gflops', 'sample_tokens_per_s', 'peak_gflops_estimate']) {
      expect(report[key], key).toBeGreaterThan(0);
    }
    expect(report.cpu).toMatchObject({ cores: expect.any(Number) });
    // Both engines in one run: the tfjs reference and ONNX Runtime.
    const engines = report.engines as Record<string, Record<string, number | null>>;
    expect(engines.tfjs!.train_step_ms).toBe(report.train_step_ms);
    expect(engines.onnx!.train_step_ms).toBeGreaterThan(0);
    expect(engines.onnx!.device).toBe('onnxruntime cpu');
    for (const name of ['tfjs', 'onnx'])
      for (const key of ['sample_tokens_per_s_b16', 'sample_tokens_per_s_b128', 'rl_step_ms'])
        expect(engines[name]![key], `${name} ${key}`).toBeGreaterThan(0);
    expect(engines.onnx!.train_share_of_peak).toBeGreaterThan(0);
    expect(result.err).toContain('backend tensorflow-gpu unavailable');
  });

  it('serves on a loopback port with a token: 401 without it, a JSON array with it', async () => {
    const served = await startUntilUrl(process.execPath, ['bin/aepo-lab.js', 'serve', '--port', '0'], {
      AEPO_LAB_HOME: tempDir(),
    });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const without = await fetch(`${served.origin}/api/runs.list`, { method: 'POST', body: '{}' });
    expect(without.status).toBe(401);
    const withToken = await fetch(`${served.origin}/api/runs.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await withToken.json()).toEqual({ ok: true, data: [] });
  });

  it('npm start falls back to serve mode with a one-line reason where Electron is missing', async () => {
    const started = await startUntilUrl('npm', ['start', '--silent', '--', '--port', '0'], {
      AEPO_LAB_HOME: tempDir(),
    });
    const lines = started
      .output()
      .split('\n')
      .filter((line) => line.trim() && !line.includes('npm warn'));
    expect(lines[0]).toMatch(
      /^Electron's binary is not installed and could not be fetched \(.+\); starting serve mode instead\.$/,
    );
    expect(lines[1]).toMatch(/^AEPO Lab is serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect((await fetch(`${started.origin}/`)).status).toBe(200);
  });
});
