// The released scripts' setting bundle: one algorithm id, its settings named, and the variant carried to the runs.
import { runConfigOf } from '../../../src-main/experiments/plan/run-config';
import { describe, expect, it } from 'vitest';
import { openLab } from '../../../src-main/app/open-lab';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import { resolveSettings, settingsNote } from '../../../src-main/rl/variants';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/temp';

describe('setting variants', () => {
  it("'released' runs AEPO as the authors' scripts do; 'paper' is the preset; overrides apply on top", () => {
    expect(resolveSettings('aepo')).toEqual(ALGORITHMS.aepo.defaults);
    expect(resolveSettings('aepo', { variant: 'paper' })).toEqual(ALGORITHMS.aepo.defaults);
    expect(resolveSettings('aepo', { variant: 'released' })).toEqual({
      ...ALGORITHMS.aepo.defaults,
      dynamicRollouts: false,
      entropyAdvCoef: 0,
    });
    expect(resolveSettings('aepo', { variant: 'released', entropyAdvCoef: 0.1 }).entropyAdvCoef).toBe(0.1);
    // Algorithms whose paper and released code agree are the same under both.
    expect(resolveSettings('grpo', { variant: 'released' })).toEqual(ALGORITHMS.grpo.defaults);
    expect(resolveSettings('grpo', { variant: 'released' })).not.toHaveProperty('variant');
  });

  it('names what a row changes from the paper defaults, and nothing for a row that changes nothing', () => {
    expect(settingsNote('aepo', { variant: 'released' })).toBe(
      'released variant: dynamicRollouts false (paper: true), entropyAdvCoef 0 (paper: 0.2)',
    );
    expect(settingsNote('arpo', { branch: { tau: 0.5, gamma: 0.4, penalty: 0.05 } })).toBe(
      'branch {"tau":0.5,"gamma":0.4,"penalty":0.05} (paper: {"tau":0.5,"gamma":0.2,"penalty":0.05})',
    );
    expect(settingsNote('grpo', { variant: 'released' })).toBe('released variant');
    expect(settingsNote('dapo', {})).toBeNull();
    expect(settingsNote('base', {})).toBeNull();
  });

  it('`experiment create --variant released` stores it in the run config; a wrong name is a usage error', async () => {
    const dataDir = tempDir();
    const made = await cli([
      '--data-dir',
      dataDir,
      'experiment',
      'create',
      '--preset',
      'smoke',
      '--variant',
      'released',
      '--json',
    ]);
    expect(made.code, made.err).toBe(0);
    const { experiment, estimate } = JSON.parse(made.out) as {
      experiment: number;
      estimate: { detectable: { largest: number; perBenchmark: { benchmark: string }[] } };
    };
    // The JSON states what the design can resolve, as the New Experiment form does.
    expect(estimate.detectable.perBenchmark.map((b) => b.benchmark)).toEqual(['mini-gsm8k']);
    expect(estimate.detectable.largest).toBeGreaterThan(3);
    const lab = openLab({ dataDir, mode: 'cli' });
    try {
      // The experiment keeps it as its plan's diff; every run's own (the only resolved) config has it.
      const stored = lab.services.experiments.get(experiment).config as {
        diff: { algorithmSettings: { variant: string } };
      };
      expect(stored.diff.algorithmSettings.variant).toBe('released');
      const runs = lab.services.runs.list({ experimentId: experiment });
      expect(runs.map((run) => runConfigOf(run)?.algorithmSettings.variant)).toEqual(runs.map(() => 'released'));
    } finally {
      lab.close();
    }
    const wrong = await cli(['--data-dir', dataDir, 'experiment', 'create', '--variant', 'mine']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/variant/);
  });
});
