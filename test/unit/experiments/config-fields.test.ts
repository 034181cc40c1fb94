// The new-experiment form's data: the run config's fields generated from its schema, and the run-time estimate.
import { describe, expect, it } from 'vitest';
import { configFields } from '../../../src-main/experiments/config-fields';
import { estimateExperiment } from '../../../src-main/experiments/estimate';
import { experimentPlanInput } from '../../../src-main/experiments/plan';
import { tempLab } from '../../support/temp';

describe('run config form data', () => {
  it('lists every leaf of the run config with its type, bounds, documentation and default', () => {
    const fields = configFields();
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get('training.steps')).toMatchObject({
      type: 'integer',
      default: 20,
      minimum: 0,
      maximum: 100_000,
      doc: 'RL steps of the run.',
    });
    expect(byPath.get('model.preset')).toMatchObject({ type: 'choice', choices: ['tiny', 'small', 'base'] });
    // Algorithm settings default to each algorithm's own preset, so the form shows no single default.
    expect(byPath.get('algorithm.clipHigh')).toMatchObject({ type: 'number', default: null });
    expect(byPath.get('algorithm.dualClipC')).toMatchObject({ nullable: true });
    expect(fields.every((f) => f.doc.length > 0)).toBe(true);
  });

  it('estimates from typical step times, then from the ones measured here', () => {
    const lab = tempLab();
    const plan = experimentPlanInput.parse({ name: 'x', preset: 'quick', algorithms: ['grpo'], seeds: [1] });
    const typical = estimateExperiment(lab.services, plan);
    expect(typical).toMatchObject({ runs: 1 + 3, basis: 'typical' });
    for (const benchmark of ['mini-gsm8k', 'mini-hotpotqa', 'mini-webwalker']) {
      const run = lab.services.runs.create({ algorithm: 'grpo', benchmark, seed: 1 });
      lab.services.metrics.append(run.id, [{ key: 'timing_s/step', step: 1, value: 100 }]);
    }
    const measured = estimateExperiment(lab.services, plan);
    expect(measured.basis).toBe('measured');
    // 3 runs × 8 steps × 100 s, on however many runs train at once, dominate the estimate now.
    expect(measured.seconds).toBeGreaterThan(typical.seconds);
  });
});
