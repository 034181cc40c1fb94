import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { AdamW } from '../../../src-main/model/optimizer';
import { scoreTokens } from '../../../src-main/model/scoring';
import { Transformer } from '../../../src-main/model/transformer';
import { frozenCopy } from '../../../src-main/model/weights';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import { gigpoAdvantage } from '../../../src-main/rl/algorithms/gigpo';
import { reinforcePlusPlusAdvantage } from '../../../src-main/rl/algorithms/reinforce_pp';
import type { RolloutTree, Trajectory } from '../../../src-main/rl/rollout/types';
import { columns, updatePolicy, type UpdateSample } from '../../../src-main/rl/update';

const VOCAB = 40;
let model: Transformer;
beforeAll(async () => {
  await selectBackend();
  model = Transformer.create(modelConfig('tiny', VOCAB), 3);
});
afterAll(() => model.dispose());

/** `groups` questions with `perGroup` trajectories each: a 3-token prompt, 4 to 7 response tokens, distinct rewards. */
function samples(groups: number, perGroup: number): UpdateSample[] {
  const out: UpdateSample[] = [];
  for (let g = 0; g < groups; g++) {
    const tree = {
      promptTokens: [2, 3 + g, 4],
      question: { id: `q${g}`, prompt: '', answers: [] },
      trajectories: [],
      globalSamples: perGroup,
      fills: 0,
    } as unknown as RolloutTree;
    for (let i = 0; i < perGroup; i++) {
      const length = 4 + ((g + i) % 4);
      const trajectory = {
        id: i,
        tokens: Array.from({ length }, (_, t) => 5 + ((g * 7 + i * 3 + t) % (VOCAB - 5))),
        mask: Array.from({ length }, () => 1),
        stepOfToken: Array.from({ length }, () => 0),
        anchorKeys: [`q${g}`],
      } as unknown as Trajectory;
      // What the sampler records: each response token's log-prob and entropy under the rollout policy.
      const scored = tf.tidy(() => {
        const { logp, entropy } = scoreTokens(model, [[...tree.promptTokens, ...trajectory.tokens]]);
        return { logp: logp.arraySync()[0]!, entropy: entropy.arraySync()[0]! };
      });
      const column = (row: number[]) => trajectory.tokens.map((_, t) => row[tree.promptTokens.length + t - 1]!);
      trajectory.logp = column(scored.logp);
      trajectory.entropy = column(scored.entropy);
      out.push({
        tree,
        trajectory,
        group: g,
        reward: { reward: (g * perGroup + i) % 3 === 0 ? 1 : (g + i) / 10, formatValid: true, f1: 0, prediction: null },
      });
    }
  }
  return out;
}

describe('the policy update', () => {
  it('computes REINFORCE++ advantages once over the whole batch, not per mini-batch', async () => {
    const batch = samples(4, 3);
    const settings = { ...ALGORITHMS.reinforce_pp.defaults, updatesPerBatch: 4 };
    const seen = new Map<number, number[]>();
    const optimizer = new AdamW(model.variables(), { learningRate: 0 });
    const stats = await updatePolicy(
      {
        model,
        optimizer,
        algorithm: ALGORITHMS.reinforce_pp,
        settings,
        temperature: 1,
        onMiniBatch: (rows, advantages) => rows.forEach((r, k) => seen.set(r, advantages[k]!)),
      },
      batch,
    );
    optimizer.dispose();
    expect(stats.updates).toBe(4);
    // Expected: whitening over every loss token of all 12 samples.
    const width = Math.max(...batch.map((s) => s.tree.promptTokens.length + s.trajectory.tokens.length)) - 1;
    const mask = batch.map((s) => columns(s, width, s.trajectory.mask, 0));
    const full = reinforcePlusPlusAdvantage(
      { rewards: batch.map((s) => s.reward.reward), groups: batch.map((s) => s.group), mask, entropy: mask },
      settings,
    );
    batch.forEach((_, i) => {
      const got = seen.get(i)!;
      got.forEach((a, t) => expect(a).toBeCloseTo(full[i]![t]!, 6));
    });
    // Whitening one mini-batch alone gives something else: the old behaviour would have failed this test.
    const firstGroupRows = batch.flatMap((s, i) => (s.group === 0 ? [i] : []));
    const alone = reinforcePlusPlusAdvantage(
      {
        rewards: firstGroupRows.map((i) => batch[i]!.reward.reward),
        groups: firstGroupRows.map(() => 0),
        mask: firstGroupRows.map((i) => mask[i]!),
        entropy: [],
      },
      settings,
    );
    expect(Math.abs(alone[0]!.find((x) => x !== 0)! - full[0]!.find((x) => x !== 0)!)).toBeGreaterThan(0.05);
  });

  it("takes the old policy's log-probs from the sampler: the same update as a separate scoring pass", async () => {
    const optimizer = new AdamW(model.variables(), { learningRate: 0 });
    const aepo = ALGORITHMS.aepo;
    const settings = { ...aepo.defaults, updatesPerBatch: 2, klCoef: 0.05 };
    const batch = samples(2, 3);
    const reference = frozenCopy(model);
    const context = { model, optimizer, algorithm: aepo, settings, temperature: 1, reference };
    const reused = await updatePolicy(context, batch);
    const rescored = await updatePolicy({ ...context, rescoreOld: true }, batch);
    for (const key of ['loss', 'kl', 'klK1', 'refKl', 'clipUpper', 'gradNorm'] as const)
      expect(Math.abs(reused[key] - rescored[key]), key).toBeLessThan(1e-5);
    reference.dispose();
    optimizer.dispose();
  });

  it('makes ppoEpochs × mini-batches updates, and warns once per run about a single-update step', async () => {
    const optimizer = new AdamW(model.variables(), { learningRate: 1e-4 });
    const grpo = ALGORITHMS.grpo;
    expect(
      (
        await updatePolicy(
          {
            model,
            optimizer,
            algorithm: grpo,
            settings: { ...grpo.defaults, updatesPerBatch: 2, ppoEpochs: 3 },
            temperature: 1,
          },
          samples(2, 2),
        )
      ).updates,
    ).toBe(6);
    expect(
      (
        await updatePolicy(
          {
            model,
            optimizer,
            algorithm: grpo,
            settings: { ...grpo.defaults, updatesPerBatch: 4, ppoEpochs: 1 },
            temperature: 1,
          },
          samples(1, 3),
        )
      ).updates,
    ).toBe(1);
    optimizer.dispose();
  });

  it('scores at the rollout temperature: log-probs of logits / T', () => {
    const sequences = [[2, 5, 9, 11, 7]];
    tf.tidy(() => {
      const hot = scoreTokens(model, sequences, { temperature: 2 }).logp.arraySync()[0]!;
      const cold = scoreTokens(model, sequences).logp.arraySync()[0]!;
      const logits = model.forward({
        ids: sequences,
        positions: [[0, 1, 2, 3, 4]],
        valid: [[true, true, true, true, true]],
        logitsAt: 'all',
      });
      const expected = tf.logSoftmax(tf.div(logits, 2)).arraySync() as number[][][];
      hot.forEach((lp, t) => expect(lp).toBeCloseTo(expected[0]![t]![sequences[0]![t + 1]!]!, 5));
      expect(Math.abs(hot[0]! - cold[0]!)).toBeGreaterThan(1e-3);
    });
  });

  it('a KL coefficient acts: it needs the reference policy, and the KL to it is reported', async () => {
    const optimizer = new AdamW(model.variables(), { learningRate: 0 });
    const grpo = ALGORITHMS.grpo;
    const settings = { ...grpo.defaults, klCoef: 0.1 };
    await expect(
      updatePolicy({ model, optimizer, algorithm: grpo, settings, temperature: 1 }, samples(2, 2)),
    ).rejects.toThrow(/needs the frozen reference policy/);
    const reference = frozenCopy(model);
    const same = await updatePolicy(
      { model, optimizer, algorithm: grpo, settings, temperature: 1, reference },
      samples(2, 2),
    );
    expect(same.refKl).toBeCloseTo(0, 6);
    const other = Transformer.create(modelConfig('tiny', VOCAB), 99);
    const differs = await updatePolicy(
      { model, optimizer, algorithm: grpo, settings, temperature: 1, reference: other },
      samples(2, 2),
    );
    const without = await updatePolicy(
      { model, optimizer, algorithm: grpo, settings: { ...settings, klCoef: 0 }, temperature: 1 },
      samples(2, 2),
    );
    expect(Math.abs(differs.refKl)).toBeGreaterThan(1e-3);
    expect(Math.abs(differs.loss - without.loss)).toBeGreaterThan(1e-4);
    reference.dispose();
    other.dispose();
    optimizer.dispose();
  });

  it("REINFORCE++'s KL-in-reward: each token's return sums −β·KL from it to the end plus R", () => {
    const input = {
      rewards: [1, 0],
      groups: [0, 1],
      mask: [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
      ],
      entropy: [],
      klPerToken: [
        [0.1, 0.2, 0.3, 0],
        [0.5, 0.5, 0, 0],
      ],
    };
    const options = { ...ALGORITHMS.reinforce_pp.defaults, klInReward: true, klCoef: 1 };
    const returns = [
      [1 - 0.6, 1 - 0.5, 1 - 0.3],
      [-1, -0.5],
    ];
    const values = returns.flat();
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1) + 1e-8);
    const got = reinforcePlusPlusAdvantage(input, options);
    returns.forEach((row, b) => row.forEach((g, t) => expect(got[b]![t]).toBeCloseTo((g - m) / std, 6)));
    expect(got[0]![3]).toBe(0);
    // Without the option the KL is ignored: every token of a sequence gets the same advantage.
    const plain = reinforcePlusPlusAdvantage(input, { ...options, klInReward: false });
    expect(plain[0]![0]).toBeCloseTo(plain[0]![2]!, 9);
  });

  it("GiGPO discounts a step's return by γ^(steps left) (γ = 0.95 by default)", () => {
    // Two trajectories share the anchor state of their first step; one needs 3 steps, the other 1.
    const input = {
      rewards: [1, 1],
      groups: [0, 0],
      mask: [
        [1, 1, 1],
        [1, 0, 0],
      ],
      entropy: [],
      stepOfToken: [
        [0, 1, 2],
        [0, -1, -1],
      ],
      anchorKeys: [['q', 'q|a', 'q|a|b'], ['q']],
    };
    const settings = ALGORITHMS.gigpo.defaults;
    expect(settings.stepDiscount).toBe(0.95);
    const advantage = gigpoAdvantage(input, settings);
    // Same reward, but the long trajectory's first step is worth 0.95² of it: below the short one's.
    expect(advantage[0]![0]!).toBeLessThan(advantage[1]![0]!);
    const undiscounted = gigpoAdvantage(input, { ...settings, stepDiscount: 1 });
    expect(undiscounted[0]![0]).toBeCloseTo(undiscounted[1]![0]!, 9);
  });
});
