// Runs another process owns: a pause or cancel is written into the run's row for the owner to carry out; a run whose
// owner died (SIGKILL) is marked interrupted when the app starts, ready to resume from its checkpoint.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openLab } from '../../../src-main/app/open-lab';
import { tempDir } from '../../support/temp';

describe('run ownership across processes', () => {
  it('asks a live owner through the row, and marks the runs of a killed owner interrupted at start', async () => {
    const dataDir = tempDir();
    const lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    await new Promise((resolve) => owner.once('spawn', resolve));
    const run = lab.services.runs.create({ algorithm: 'grpo', benchmark: 'mini-gsm8k', seed: 1 });
    lab.services.runs.setStatus(run.id, { status: 'running' });
    lab.services.runs.setOwner(run.id, owner.pid!);

    // The owner is alive: nothing is marked, the pause waits in the row for it.
    expect(lab.runner.markInterrupted()).toBe(0);
    expect(lab.runner.pauseRun(run.id)).toEqual({ changed: true });
    expect(lab.services.runs.ownership(run.id)).toEqual({ ownerPid: owner.pid, control: 'pause' });
    expect(lab.services.runs.get(run.id).status).toBe('running');
    lab.close();

    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    const reopened = openLab({ dataDir, mode: 'serve', logError: () => {}, markInterrupted: true });
    try {
      const after = reopened.services.runs.get(run.id);
      expect(after.status).toBe('failed');
      expect(after.error).toMatch(/^interrupted: the process running it stopped; resume to continue from .* step 0$/);
      expect(reopened.services.runs.ownership(run.id)).toEqual({ ownerPid: null, control: null });
    } finally {
      reopened.close();
    }
  });
});
