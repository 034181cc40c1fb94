// The smoke experiment end to end, as a user runs it: the built command, a fresh data folder, every algorithm (the run
// every end-to-end file shares, test/support/shared-smoke.ts).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aepoLabBuilt } from '../support/processes';
import { copyOfSmoke, sharedSmoke, withSmokeBase } from '../support/shared-smoke';

describe('aepo-lab experiment (built)', () => {
  it(
    'smoke: all 8 algorithms and the base checkpoint in the results and the exported table',
    { timeout: 500_000 },
    async () => {
      const run = await sharedSmoke();
      expect(run.code, run.err).toBe(0);
      const dataDir = await copyOfSmoke();
      const lines = run.out.trim().split('\n');
      const summary = JSON.parse(lines.at(-1)!) as {
        experiment: number;
        results: { algorithm: string; 'pass@1': number; 'pass@5': number }[];
      };
      const algorithms = new Set(summary.results.map((r) => r.algorithm));
      expect([...algorithms].sort()).toEqual([
        'aepo',
        'arpo',
        'base',
        'cispo',
        'dapo',
        'gigpo',
        'gppo',
        'grpo',
        'reinforce_pp',
      ]);
      for (const row of summary.results) {
        for (const value of [row['pass@1'], row['pass@5']]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(100);
        }
      }
      expect(run.err).toMatch(/base checkpoint made in/);
      // Not a terminal here: every progress update is a plain line with step, reward, time per step and ETA.
      expect(run.err).toMatch(/aepo mini-gsm8k seed 1: step 2\/2, reward -?\d+\.\d{3}, \d+\.\d s\/step, ETA 0 s\n/);

      const table = await aepoLabBuilt(['--data-dir', dataDir, 'export', String(summary.experiment), '--format', 'md']);
      expect(table.code).toBe(0);
      const [grid, rest = ''] = table.out.split('\nTable: ');
      const rows = grid!
        .split('\n')
        .filter((line) => /^\| (base|grpo|dapo|reinforce_pp|gppo|cispo|gigpo|arpo|aepo) \|/.test(line));
      expect(rows).toHaveLength(9);
      // Every cell with its interval; the caption with the sizes; the comparisons against AEPO with p and
      // P(improvement); the bold rule named.
      for (const row of rows) expect(row).toMatch(/\| \d+\.\d \[\d+\.\d, \d+\.\d\] \|/);
      expect(rest).toMatch(/^Pass@1 in %: mean over seeds \[95 % CI\].*mini-gsm8k 8 × 5 × 1/);
      expect(rest).toContain('| Row | Column | Δ vs aepo [95 % CI] | p | p (Holm) | P(row > aepo) [95 % CI] |');
      expect(
        rest.match(/^\| (base|grpo|dapo|reinforce_pp|gppo|cispo|gigpo|arpo) \| mini-gsm8k \| [+-]\d/gm),
      ).toHaveLength(8);
      expect(rest).toMatch(/\n- Bold: each column's best and every row not significantly different from it/);
      expect(rest).toMatch(/\n- Seeds: every seed starts from one shared base checkpoint/);
      // The RL runs trained and sampled on ONNX Runtime (the default engine where it loads).
      const listed = await aepoLabBuilt(['--data-dir', dataDir, 'runs', 'list', '--json']);
      const trained = (JSON.parse(listed.out) as { algorithm: string; backend: string }[]).filter(
        (r) => r.algorithm !== 'base',
      );
      expect(trained.map((r) => r.backend)).toEqual(
        trained.map(() => expect.stringMatching(/^onnxruntime (cpu|cuda|dml|coreml)$/)),
      );

      // A second experiment with the same inputs reuses the cached base checkpoint.
      const again = await aepoLabBuilt([
        '--data-dir',
        dataDir,
        'experiment',
        'start',
        '--preset',
        'smoke',
        '--algos',
        'grpo',
        '--json',
      ]);
      expect(again.code, again.err).toBe(0);
      expect(again.err).toMatch(/base checkpoint reused/);
      const runs = await aepoLabBuilt(['--data-dir', dataDir, 'runs', 'list', '--json']);
      expect((JSON.parse(runs.out) as { status: string }[]).every((r) => r.status === 'completed')).toBe(true);
    },
  );

  it(
    'an experiment killed with SIGKILL mid-run finishes with experiment resume: kept runs, the interrupted one continued',
    { timeout: 300_000 },
    async () => {
      const dataDir = await withSmokeBase();
      const err = await killMidAepo(dataDir, 'grpo,aepo');
      expect(err).not.toMatch(/experiment 1 done/);
      const resumed = await aepoLabBuilt(['--data-dir', dataDir, 'experiment', 'resume', '1', '--json']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(resumed.err).toMatch(/aepo mini-gsm8k seed 1: resuming after step 1/);
      expect(resumed.err).not.toMatch(/grpo mini-gsm8k seed 1: step/); // finished before the kill: kept, not redone
      const summary = JSON.parse(resumed.out.trim().split('\n').at(-1)!) as { results: { algorithm: string }[] };
      expect(summary.results.map((r) => r.algorithm).sort()).toEqual(['aepo', 'base', 'grpo']);
      const runs = JSON.parse((await aepoLabBuilt(['--data-dir', dataDir, 'runs', 'list', '--json'])).out) as {
        status: string;
      }[];
      expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    },
  );

  it('a corrupt checkpoint fails that run, naming the file; the other runs go on', { timeout: 300_000 }, async () => {
    const dataDir = await withSmokeBase();
    await killMidAepo(dataDir, 'aepo,grpo');
    const file = readdirSync(join(dataDir, 'checkpoints')).find((f) => /^run-\d+-step-1\.ckpt$/.test(f))!;
    const path = join(dataDir, 'checkpoints', file);
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(path, bytes);
    const resumed = await aepoLabBuilt(['--data-dir', dataDir, 'experiment', 'resume', '1']);
    expect(resumed.code).toBe(1);
    expect(resumed.err).toContain(`${path} is corrupt`);
    expect(resumed.err).toMatch(/grpo mini-gsm8k seed 1: pass@1/);
    const runs = JSON.parse((await aepoLabBuilt(['--data-dir', dataDir, 'runs', 'list', '--json'])).out) as {
      algorithm: string;
      status: string;
    }[];
    expect(Object.fromEntries(runs.map((r) => [r.algorithm, r.status]))).toEqual({
      base: 'completed',
      aepo: 'failed',
      grpo: 'completed',
    });
  });
});

/** Starts a smoke experiment of `algos` and kills it with SIGKILL once AEPO has finished its first of two steps. */
async function killMidAepo(dataDir: string, algos: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['bin/aepo-lab.js', '--data-dir', dataDir, 'experiment', 'start', '--preset', 'smoke', '--algos', algos, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      err += chunk;
      // Mid-run: AEPO has finished its first step (and written its checkpoint), not its second.
      if (/aepo mini-gsm8k seed 1: step 1\/2/.test(err) && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('close', () => resolve());
  });
  return err;
}
