import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { AdamW } from '../../../src-main/model/optimizer';
import { Rng } from '../../../src-main/model/rng';
import { loadWeights, weightSnapshot } from '../../../src-main/model/weights';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../../src-main/rl/rollout/engine';
import { rlStep } from '../../../src-main/rl/step';
import { informativeGroups, overlongPenalty } from '../../../src-main/rl/dynamic-sampling';
import {
  arithmeticQuestions,
  toyTools,
  coldStartToyAgent,
  type AgentFixture,
} from '../../../src-main/experiments/execution/toy-task';

let agent: AgentFixture;
let pretrained: Float32Array[];
beforeAll(async () => {
  await selectBackend();
  agent = coldStartToyAgent();
  pretrained = weightSnapshot(agent.model);
});
afterAll(() => agent.model.dispose());

/** A lenient reward for the toy task, so advantages are not all zero: 1 if the right number appears in the answer. */
const toyReward = (response: string, answers: string[]) => {
  const answer = /<answer>([^<]*)<\/answer>/.exec(response)?.[1]?.trim() ?? null;
  const f1 = answer !== null && answers.includes(answer) ? 1 : 0;
  return { reward: answer === null ? -1 : f1, formatValid: answer !== null, f1, prediction: answer };
};

describe('every algorithm trains', () => {
  for (const algorithm of Object.values(ALGORITHMS)) {
    it(`${algorithm.id}: 3 RL steps on the tiny model and a toy tool task, with finite metrics`, async () => {
      loadWeights(agent.model, pretrained);
      const before = tf.memory().numTensors;
      const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
      const rng = new Rng(7);
      for (let step = 0; step < 3; step++) {
        const { metrics, trees } = await rlStep(
          {
            model: agent.model,
            optimizer,
            tokenizer: agent.tokenizer,
            tools: toyTools(),
            algorithm,
            settings: { ...algorithm.defaults, groupSize: 4, globalSamples: 2, updatesPerBatch: 2 },
            rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 64, toolCallLimit: 2 },
            rng,
            reward: toyReward,
          },
          arithmeticQuestions(2, step),
        );
        for (const [key, value] of Object.entries(metrics))
          expect(Number.isFinite(value), `${algorithm.id} ${key}`).toBe(true);
        expect(trees.every((tree) => tree.trajectories.length === 4)).toBe(true);
        if (algorithm.rollout === 'independent') expect(metrics['rollout/branches_per_question']).toBe(0);
        expect(metrics['rollout/global_samples']).toBeLessThanOrEqual(4);
      }
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('a step that can make only one update', () => {
  it('records one update and warns once per run', async () => {
    loadWeights(agent.model, pretrained);
    const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-4 });
    const warnings: string[] = [];
    const algorithm = ALGORITHMS.aepo;
    for (let step = 0; step < 2; step++) {
      const { metrics } = await rlStep(
        {
          model: agent.model,
          optimizer,
          tokenizer: agent.tokenizer,
          tools: toyTools(),
          algorithm,
          settings: { ...algorithm.defaults, groupSize: 4, globalSamples: 2, updatesPerBatch: 4, ppoEpochs: 1 },
          rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 48, toolCallLimit: 1 },
          rng: new Rng(step),
          reward: () => ({ reward: Math.random(), formatValid: true, f1: 0, prediction: null }),
          warn: (line) => warnings.push(line),
        },
        arithmeticQuestions(1, step),
      );
      expect(metrics['actor/updates']).toBe(1);
    }
    optimizer.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /single optimiser update, so the ratio is 1 and AEPO's clipped objective equals GRPO's/,
    );
  });
});

describe('DAPO as published', () => {
  it('shapes overlong responses over the rollout budget, with dual clip c = 10', () => {
    const shaping = ALGORITHMS.dapo.defaults.overlongShaping;
    expect(ALGORITHMS.dapo.defaults.dualClipC).toBe(10);
    // Budget 256 (the rollout default): the last fifth is penalised, down to −1 at the budget.
    expect(overlongPenalty(204, 256, shaping)).toBe(0);
    expect(overlongPenalty(230, 256, shaping)).toBeCloseTo(-(230 - 205) / 51, 9);
    expect(overlongPenalty(256, 256, shaping)).toBe(-1);
    expect(overlongPenalty(256, 256, null)).toBe(0);
  });

  it('filters groups on the variance of the unshaped reward: as accuracy on binary rewards, kept on varying F1', () => {
    // Binary (math) rewards: a group is kept exactly when its accuracy varies, as before.
    const binary = [
      { group: 0, unshaped: 1 },
      { group: 0, unshaped: 1 }, // all right: dropped
      { group: 1, unshaped: 0 },
      { group: 1, unshaped: 1 }, // mixed: kept
      { group: 2, unshaped: 0 },
      { group: 2, unshaped: 0 }, // all wrong: dropped
    ];
    expect(informativeGroups(binary).map((s) => s.group)).toEqual([1, 1]);
    // F1 (knowledge, deep search): nobody is exactly right in group 3, but F1 varies, so its advantages are not zero
    // and it is kept (the accuracy filter dropped it); equal F1 in group 4 is dropped.
    const f1 = [
      { group: 3, unshaped: 0.5 },
      { group: 3, unshaped: 0 },
      { group: 4, unshaped: 0.4 },
      { group: 4, unshaped: 0.4 },
    ];
    expect(informativeGroups(f1).map((s) => s.group)).toEqual([3, 3]);
  });

  it('a group whose rewards differ only by the overlong shaping is dropped (the filter reads the unshaped reward)', async () => {
    loadWeights(agent.model, pretrained);
    const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-4 });
    // Every trajectory scores 0.5: the unshaped rewards never vary, whatever length shaping adds.
    const { metrics } = await rlStep(
      {
        model: agent.model,
        optimizer,
        tokenizer: agent.tokenizer,
        tools: toyTools(),
        algorithm: ALGORITHMS.dapo,
        settings: { ...ALGORITHMS.dapo.defaults, groupSize: 4, overlongShaping: { bufferFraction: 0.9, penalty: 1 } },
        rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 48, toolCallLimit: 2 },
        rng: new Rng(5),
        reward: () => ({ reward: 0.5, formatValid: true, f1: 0.5, prediction: 'x' }),
        warn: () => {},
      },
      arithmeticQuestions(2, 1),
    );
    optimizer.dispose();
    expect(metrics['reward/std']).toBeGreaterThan(0); // shaping made the rewards differ...
    expect(metrics['rollout/kept_groups']).toBe(0); // ...but no group is informative
  });

  it('rolls out fresh questions until the batch is full again, within the cap on rounds', async () => {
    loadWeights(agent.model, pretrained);
    const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-4 });
    let call = 0;
    // Questions whose answer is "never" are always wrong (dropped); the others alternate right and wrong (kept).
    const reward = (_response: string, answers: string[]) => {
      const f1 = answers[0] === 'never' ? 0 : call++ % 2;
      return { reward: f1, formatValid: true, f1, prediction: null };
    };
    const hopeless = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${tag}${i}`,
        prompt: `Question: What is ${i} + 1?\n`,
        answers: ['never'],
      }));
    const fresh = (n: number) => arithmeticQuestions(n, 99).map((q, i) => ({ ...q, id: `fresh${i}` }));
    const algorithm = ALGORITHMS.dapo;
    const base = {
      model: agent.model,
      optimizer,
      tokenizer: agent.tokenizer,
      tools: toyTools(),
      algorithm,
      rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 32, toolCallLimit: 1 },
      reward,
      warn: () => {},
    };
    const settings = { ...algorithm.defaults, groupSize: 2, globalSamples: 2 };
    const refilled = await rlStep({ ...base, rng: new Rng(1), settings, moreQuestions: fresh }, hopeless(2, 'h'));
    expect(refilled.metrics['rollout/generation_batches']).toBe(2);
    expect(refilled.metrics['rollout/kept_groups']).toBe(2);
    expect(refilled.trees).toHaveLength(4);
    // Only hopeless questions on offer: the cap on rounds ends the step with an empty batch, recorded.
    const capped = await rlStep(
      {
        ...base,
        rng: new Rng(2),
        settings: { ...settings, maxGenerationBatches: 3 },
        moreQuestions: (n) => hopeless(n, 'x'),
      },
      hopeless(2, 'h'),
    );
    expect(capped.metrics['rollout/generation_batches']).toBe(3);
    expect(capped.metrics['rollout/kept_groups']).toBe(0);
    optimizer.dispose();
  });
});
