// The new-experiment form's data: the run config's fields generated from its schema, and the run-time estimate.
import { describe, expect, it } from 'vitest';
import { configFields } from '../../../src-main/experiments/plan/config-fields';
import { estimateExperiment } from '../../../src-main/experiments/plan/estimate';
import { experimentPlanInput } from '../../../src-main/experiments/plan/plan';
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
    expect(byPath.get('model.size')).toMatchObject({ type: 'choice', choices: ['tiny', 'small', 'base'] });
    // Algorithm settings default to each algorithm's own preset, so the form shows no single default.
    expect(byPath.get('algorithmSettings.clipHigh')).toMatchObject({ type: 'number', default: null });
    expect(byPath.get('algorithmSettings.dualClipC')).toMatchObject({ nullable: true });
    expect(fields.every((f) => f.doc.length > 0)).toBe(true);
  });

  it('estimates from typical step times, then from the ones measured here', () => {
    const lab = tempLab();
    const plan = experimentPlanInput.parse({ name: 'x', preset: 'quick', algorithms: ['grpo'], seeds: [1] });
    const typical = estimateExperiment(lab.services, plan);
    expect(typical).toMatchObject({ runs: 1 + 3, basis: 'typical' });
    // No earlier runs: the stated default variance; quick's 20 items × 5 samples × 1 seed resolve 18.8 points.
    const [gsm8k] = typical.detectable.perBenchmark;
    expect(gsm8k).toMatchObject({ benchmark: 'mini-gsm8k', basis: 'default', runs: 0 });
    expect(gsm8k!.points).toBeCloseTo(2.801585 * Math.sqrt((100 + 800) / 20), 3);
    expect(typical.detectable.overall).toBeCloseTo(gsm8k!.points! / Math.sqrt(3), 3);
    for (const benchmark of ['mini-gsm8k', 'mini-hotpotqa', 'mini-webwalker']) {
      const run = lab.services.runs.create({
        algorithm: 'grpo',
        benchmark,
        seed: 1,
        config: { model: { size: 'tiny' } },
      });
      lab.services.metrics.append(run.id, [{ key: 'timing_s/step', step: 1, value: 100 }]);
      // A `small` run's step time does not stand for `tiny`'s.
      const small = lab.services.runs.create({
        algorithm: 'grpo',
        benchmark,
        seed: 1,
        config: { model: { size: 'small' } },
      });
      lab.services.metrics.append(small.id, [{ key: 'timing_s/step', step: 1, value: 1e6 }]);
    }
    // Two earlier runs with per-item verdicts on mini-gsm8k: its variance is measured (all-or-nothing items: no
    // sampling noise), the other suites keep the default.
    for (const seed of [1, 2]) {
      const run = lab.services.runs.create({ algorithm: 'grpo', benchmark: 'mini-gsm8k', seed });
      lab.services.evaluations.recordItems(
        Array.from({ length: 40 }, (_, i) => [0, 1].map((sample) => ({ i, sample }))).flatMap((pair) =>
          pair.map(({ i, sample }) => ({
            runId: run.id,
            step: 8,
            benchmark: 'mini-gsm8k',
            index: i,
            sample,
            prediction: null,
            extracted: null,
            gold: ['1'],
            score: (i + seed) % 3 === 0 ? 1 : 0,
            verdict: 'wrong' as const,
            reason: '',
          })),
        ),
      );
    }
    const measured = estimateExperiment(lab.services, plan);
    expect(measured.basis).toBe('measured');
    expect(measured.detectable.perBenchmark[0]).toMatchObject({ basis: 'measured', runs: 2 });
    expect(measured.detectable.perBenchmark[1]).toMatchObject({ basis: 'default' });
    expect(measured.detectable.perBenchmark[0]!.points).toBeGreaterThan(0);
    // A suite where every earlier run scored every item alike is at its ceiling (or floor): no figure, said so.
    for (const seed of [1, 2]) {
      const run = lab.services.runs.create({ algorithm: 'grpo', benchmark: 'mini-webwalker', seed });
      lab.services.evaluations.recordItems(
        [0, 1, 2].map((index) => ({
          runId: run.id,
          step: 8,
          benchmark: 'mini-webwalker',
          index,
          sample: 0,
          prediction: null,
          extracted: null,
          gold: ['1'],
          score: 1,
          verdict: 'correct' as const,
          reason: '',
        })),
      );
      lab.services.evaluations.recordItems([
        {
          runId: run.id,
          step: 8,
          benchmark: 'mini-webwalker',
          index: 0,
          sample: 1,
          prediction: null,
          extracted: null,
          gold: ['1'],
          score: 1,
          verdict: 'correct',
          reason: '',
        },
      ]);
    }
    const saturated = estimateExperiment(lab.services, plan).detectable;
    expect(saturated.perBenchmark[2]).toMatchObject({ benchmark: 'mini-webwalker', points: null, basis: 'saturated' });
    expect(saturated.largest).toBe(Math.max(saturated.perBenchmark[0]!.points!, saturated.perBenchmark[1]!.points!));
    // 3 runs × 8 steps × 100 s, on however many runs train at once, dominate the estimate now.
    expect(measured.seconds).toBeGreaterThan(typical.seconds);
    expect(measured.seconds).toBeLessThan(10_000);
  });
});
