// Crash safety: a run killed with SIGKILL mid-run and resumed from its last checkpoint records exactly what the same
// run records uninterrupted (wasm backend, to 1e-6), with no metric or rollout row duplicated or lost. The run has a KL
// term, so its reference policy (the starting weights) must survive the resume too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLab } from '../../src-main/app/open-lab';
import { migrationsFromFolder } from '../../src-main/store/migrations';
import { tempDir } from '../support/temp';

const SCRIPT = join(import.meta.dirname, '../support/resumable-run.ts');
const STEPS = 6;

function start(mode: 'fresh' | 'resume', dataDir: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode, dataDir, String(STEPS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk) => (err += chunk));
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => (code && code !== 0 ? resolve(Number(`${code}`)) : resolve(code))),
  );
  done.then((code) => code && console.error(err));
  return { child, done };
}

function recorded(dataDir: string) {
  const lab = openLab({
    dataDir,
    mode: 'cli',
    migrations: migrationsFromFolder(join(import.meta.dirname, '../../migrations')),
  });
  try {
    const metrics = lab.services.metrics
      .keys(1)
      .flatMap((k) => lab.services.metrics.series(1, k.key).map((p) => ({ key: k.key, step: p.step, value: p.value })));
    const rollouts = lab.services.rollouts
      .list(1)
      .map((r) => ({ step: r.step, question: r.question, reward: r.reward }));
    return { metrics, rollouts, status: lab.services.runs.get(1).status };
  } finally {
    lab.close();
  }
}

describe('crash safety', () => {
  it(
    'a run killed with SIGKILL and resumed records the same metrics as the uninterrupted run',
    { timeout: 240_000 },
    async () => {
      const whole = tempDir();
      expect(await start('fresh', whole).done).toBe(0);
      const reference = recorded(whole);
      expect(reference.status).toBe('completed');
      expect(new Set(reference.metrics.map((m) => m.step)).size).toBe(STEPS);
      // The policy moves away from its start, so its k1 KL to the reference is measurably away from 0 after the kill
      // point (where a reference taken from the resumed weights would read about 0).
      const refKl = reference.metrics.filter((m) => m.key === 'actor/ref_kl' && m.step > 2);
      expect(refKl.length).toBe(STEPS - 2);
      for (const m of refKl) expect(Math.abs(m.value!), `actor/ref_kl at step ${m.step}`).toBeGreaterThan(1e-4);

      const crashed = tempDir();
      const first = start('fresh', crashed);
      // Kill it once its step-2 checkpoint is on disk, while later steps are still to come.
      const marker = join(crashed, 'checkpoints', 'run-1-step-2.ckpt');
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (existsSync(marker)) {
            clearInterval(poll);
            first.child.kill('SIGKILL');
            resolve();
          }
        }, 20);
      });
      expect(await first.done).toBeNull(); // killed, no exit code
      const interrupted = recorded(crashed);
      expect(interrupted.status).toBe('running');
      expect(Math.max(...interrupted.metrics.map((m) => m.step))).toBeLessThan(STEPS);

      expect(await start('resume', crashed).done).toBe(0);
      const resumed = recorded(crashed);
      expect(resumed.status).toBe('completed');
      expect(resumed.metrics.length).toBe(reference.metrics.length);
      for (const [i, m] of reference.metrics.entries()) {
        const r = resumed.metrics[i]!;
        expect([r.key, r.step]).toEqual([m.key, m.step]);
        // Wall times (timing_s/*) are measurements of this machine, not results: only their presence is compared.
        if (m.key.startsWith('timing_s/')) continue;
        if (m.value === null) expect(r.value).toBeNull();
        else expect(Math.abs(r.value! - m.value), `${m.key} at step ${m.step}`).toBeLessThanOrEqual(1e-6);
      }
      expect(resumed.rollouts).toEqual(reference.rollouts);
    },
  );
});
