// `--set path=value` and `--config FILE.json`: run config fields from the same schema as the form, typed by it, and
// every problem named at its field.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLab } from '../../../src-main/app/open-lab';
import { runConfigOf } from '../../../src-main/experiments/plan/run-config';
import { resolveSettings } from '../../../src-main/rl/variants';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/temp';

const create = (dir: string, ...flags: string[]) =>
  cli(['--data-dir', dir, 'experiment', 'create', '--preset', 'smoke', '--algos', 'aepo,arpo', '--json', ...flags]);

describe('run config options on the command line', () => {
  it('--config then --set: every run row carries the values, and the branch weight γ alone changes', async () => {
    const dir = tempDir();
    const file = join(dir, 'changes.json');
    writeFileSync(file, JSON.stringify({ training: { steps: 5 }, rollout: { topP: 0.9 } }));
    const made = await create(
      dir,
      '--config',
      file,
      '--set',
      'algorithmSettings.branch.gamma=0.35',
      '--set',
      'training.steps=4',
    );
    expect(made.code, made.err).toBe(0);
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    try {
      const runs = lab.services.runs.list({});
      expect(runs).toHaveLength(3); // the base row and one run per algorithm
      for (const run of runs) {
        const config = runConfigOf(run)!;
        expect(config.algorithmSettings.branch).toEqual({ gamma: 0.35 });
        expect(config.training.steps).toBe(4); // --set comes after --config
        expect(config.rollout.topP).toBe(0.9);
      }
      // γ is laid over the algorithm's own τ and penalty.
      const aepo = runConfigOf(runs.find((run) => run.algorithm === 'aepo')!)!;
      const settings = resolveSettings('aepo', aepo.algorithmSettings);
      expect(settings.branch).toEqual({ ...resolveSettings('aepo').branch, gamma: 0.35 });
      // The experiment keeps only its plan: the diff as given, no resolved copy.
      expect(lab.services.experiments.get(runs[0]!.experimentId!).config).toEqual({
        preset: 'smoke',
        algorithms: ['aepo', 'arpo'],
        benchmarks: ['mini-gsm8k'],
        seeds: [1],
        diff: { training: { steps: 4 }, rollout: { topP: 0.9 }, algorithmSettings: { branch: { gamma: 0.35 } } },
      });
    } finally {
      lab.close();
    }
  });

  it('names the field of every mistake: unknown path, wrong type, out of range, and across fields', async () => {
    const dir = tempDir();
    const unknown = await create(dir, '--set', 'algorithmSettings.branch.gama=1');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /no field "algorithmSettings\.branch\.gama" \(did you mean algorithmSettings\.branch\.gamma\?\)/,
    );
    expect((await create(dir, '--set', 'training.steps=many')).err).toMatch(/--set training\.steps: "many" is not a/);
    expect((await create(dir, '--set', 'coldStart.perSeed=yes')).err).toMatch(/takes true or false/);
    expect((await create(dir, '--set', 'steps')).err).toMatch(/--set takes path=value/);
    const range = await create(dir, '--set', 'training.steps=-3');
    expect(range.code).toBe(2);
    expect(range.err).toMatch(/config\.training\.steps: Too small/);
    expect((await create(dir, '--set', 'evaluation.samples=2')).err).toMatch(
      /config\.evaluation: evaluation\.samples must be at least evaluation\.k/,
    );
    expect((await create(dir, '--config', join(dir, 'missing.json'))).err).toMatch(/--config .*missing\.json: ENOENT/);
    // Nothing was created by any of them.
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    expect(lab.services.experiments.list()).toHaveLength(0);
    lab.close();
  });

  it('lists the fields --set takes, from the schema the form uses', async () => {
    const listed = await cli(['--data-dir', tempDir(), 'experiment', 'fields', '--json']);
    const fields = JSON.parse(listed.out) as { path: string }[];
    expect(fields.map((f) => f.path)).toEqual(
      expect.arrayContaining(['training.steps', 'algorithmSettings.branch.gamma']),
    );
  });
});

describe('config errors through the API', () => {
  it('come back with per-field issues, before and after the diff meets the preset', async () => {
    const dir = tempDir();
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    try {
      const typed = await lab.dispatch('experiments.create', { name: 'x', config: { training: { steps: 'ten' } } });
      expect(typed).toMatchObject({ ok: false, error: { issues: [{ path: 'config.training.steps' }] } });
      const merged = await lab.dispatch('experiments.create', { name: 'x', config: { evaluation: { samples: 1 } } });
      expect(merged).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', issues: [{ path: 'config.evaluation', message: expect.stringMatching(/k/) }] },
      });
    } finally {
      lab.close();
    }
  });
});

describe('a stored run config the lab cannot run', () => {
  it('is refused when the experiment starts, naming the run and the field, and nothing starts', async () => {
    const { sourceWorkers } = await import('../../support/run-workers');
    const lab = openLab({ dataDir: tempDir(), mode: 'cli', workers: sourceWorkers });
    try {
      const made = await lab.dispatch('experiments.create', { name: 'x', preset: 'smoke', algorithms: ['grpo'] });
      const experimentId = (made as { data: { id: number } }).data.id;
      const [broken] = lab.services.runs.list({ experimentId });
      lab.db.prepare("UPDATE runs SET config = json_set(config, '$.training.steps', -1) WHERE id = ?").run(broken!.id);
      const started = await lab.dispatch('experiments.start', { id: experimentId });
      expect(started).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_input',
          message: `run ${broken!.id}'s config is invalid: training.steps: Too small: expected number to be >=0`,
        },
      });
      expect(lab.services.runs.list({ experimentId }).map((run) => run.status)).toEqual(['queued', 'queued']);
    } finally {
      lab.close();
    }
  });
});
