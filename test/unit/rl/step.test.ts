import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { AdamW } from '../../../src-main/model/optimizer';
import { Rng } from '../../../src-main/model/rng';
import { loadWeights, weightSnapshot } from '../../../src-main/model/weights';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../../src-main/rl/rollout/engine';
import { rlStep } from '../../../src-main/rl/step';
import { arithmeticQuestions, toyTools, coldStartToyAgent, type AgentFixture } from '../../../src-main/experiments/toy-task';

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
  for (const preset of Object.values(ALGORITHMS)) {
    it(`${preset.id}: 3 RL steps on the tiny model and a toy tool task, with finite metrics`, async () => {
      loadWeights(agent.model, pretrained);
      const before = tf.memory().numTensors;
      const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
      const rng = new Rng(7);
      for (let step = 0; step < 3; step++) {
        const { metrics, trees } = await rlStep(
          {
            model: agent.model, optimizer, tokenizer: agent.tokenizer, tools: toyTools(), preset,
            settings: { ...preset.defaults, groupSize: 4, initialRollouts: 2, updatesPerBatch: 2 },
            rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 64, toolCallLimit: 2 },
            rng, reward: toyReward,
          },
          arithmeticQuestions(2, step),
        );
        for (const [key, value] of Object.entries(metrics)) expect(Number.isFinite(value), `${preset.id} ${key}`).toBe(true);
        expect(trees.every((tree) => tree.trajectories.length === 4)).toBe(true);
        if (preset.rollout === 'independent') expect(metrics['rollout/branches_per_question']).toBe(0);
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
    const preset = ALGORITHMS.aepo;
    for (let step = 0; step < 2; step++) {
      const { metrics } = await rlStep(
        {
          model: agent.model, optimizer, tokenizer: agent.tokenizer, tools: toyTools(), preset,
          settings: { ...preset.defaults, groupSize: 4, initialRollouts: 2, updatesPerBatch: 4, ppoEpochs: 1 },
          rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 48, toolCallLimit: 1 },
          rng: new Rng(step), reward: () => ({ reward: Math.random(), formatValid: true, f1: 0, prediction: null }), warn: (line) => warnings.push(line),
        },
        arithmeticQuestions(1, step),
      );
      expect(metrics['actor/updates']).toBe(1);
    }
    optimizer.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/single optimiser update, so the ratio is 1 and AEPO's clipped objective equals GRPO's/);
  });
});

