import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { runConformance } from '../../../src-main/rl/conformance';

beforeAll(async () => {
  await selectBackend();
});

interface LossResult {
  loss: number;
  advantages: number[][];
  grad_logp: number[][];
}

/**
 * One question, two trajectories with rewards 1 and 0 (Â = ±1/√2 under GRPO), one loss token each; `ratios` sets
 * exp(logp − old_logp) of those tokens.
 */
function twoTokens(algorithm: string, ratios: [number, number], config: Record<string, unknown> = {}): LossResult {
  return runConformance({
    kind: 'loss',
    algorithm,
    config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean', ...config },
    batch: {
      rewards: [1, 0],
      group: ['q', 'q'],
      logp: [[Math.log(ratios[0])], [Math.log(ratios[1])]],
      old_logp: [[0], [0]],
      mask: [[1], [1]],
      entropy: [[1], [1]],
    },
  }) as LossResult;
}

const A = 1 / Math.SQRT2; // GRPO advantage of the rewarded trajectory (group of two, unbiased std)

describe('policy losses, hand-worked', () => {
  it('GRPO (PPO-clip): a clipped positive token has no gradient, an unclipped one −ρ·Â/N', () => {
    const r = twoTokens('grpo', [1.5, 1.1]);
    expect(r.advantages).toEqual([[expect.closeTo(A, 5)], [expect.closeTo(-A, 5)]]);
    expect(r.grad_logp[0]![0]).toBeCloseTo(0, 6); // ρ = 1.5 > 1.2 with Â > 0: clipped
    expect(r.grad_logp[1]![0]).toBeCloseTo((1.1 * A) / 2, 5); // Â < 0, ρ above the bound: unclipped side
    expect(r.loss).toBeCloseTo((-A * 1.2 + A * 1.1) / 2, 5);
  });

  it('AEPO: the same forward loss as PPO-clip, but gradient (1 + ε_h)·Â on a positive token above the bound', () => {
    const aepo = twoTokens('aepo', [1.5, 1.1], { entropy_adv_coef: 0 });
    const ppo = twoTokens('grpo', [1.5, 1.1]);
    expect(aepo.loss).toBeCloseTo(ppo.loss, 6);
    expect(aepo.grad_logp[0]![0]).toBeCloseTo((-(1 + 0.2) * A) / 2, 5);
    expect(aepo.grad_logp[1]![0]).toBeCloseTo(ppo.grad_logp[1]![0]!, 6);
    // The lower side stays clipped for Â < 0 (unlike GPPO): ρ = 0.5 < 0.8 gives no gradient.
    expect(twoTokens('aepo', [1, 0.5], { entropy_adv_coef: 0 }).grad_logp[1]![0]).toBeCloseTo(0, 6);
  });

  it('GPPO keeps the lower side too: (1 − ε_l)·|Â| for ρ < 1 − ε_l with Â < 0', () => {
    const r = twoTokens('gppo', [1.5, 0.5]);
    expect(r.grad_logp[0]![0]).toBeCloseTo((-(1 + 0.2) * A) / 2, 5);
    expect(r.grad_logp[1]![0]).toBeCloseTo(((1 - 0.2) * A) / 2, 5);
    expect(r.loss).toBeCloseTo(twoTokens('grpo', [1.5, 0.5]).loss, 6);
  });

  it('CISPO never drops a token: the detached, clipped weight scales −Â·log π', () => {
    const r = twoTokens('cispo', [1.5, 0.5], { clip_low: 1, clip_high: 0.28 });
    expect(r.grad_logp[0]![0]).toBeCloseTo((-1.28 * A) / 2, 5);
    expect(r.grad_logp[1]![0]).toBeCloseTo((0.5 * A) / 2, 5);
    expect(r.loss).toBeCloseTo((-1.28 * A * Math.log(1.5) + 0.5 * A * Math.log(0.5)) / 2, 5);
  });

  it('DAPO: clip-higher lets ρ = 1.25 through with ε_h = 0.28', () => {
    expect(twoTokens('dapo', [1.25, 1], { clip_high: 0.28 }).grad_logp[0]![0]).toBeCloseTo((-1.25 * A) / 2, 5);
    expect(twoTokens('dapo', [1.25, 1], { clip_high: 0.2 }).grad_logp[0]![0]).toBeCloseTo(0, 6);
  });

  it('dual clip caps a negative-advantage token with ρ > c and removes its gradient', () => {
    const r = twoTokens('grpo', [1, 4], { dual_clip_c: 3 });
    expect(r.grad_logp[1]![0]).toBeCloseTo(0, 6);
    expect(r.loss).toBeCloseTo((-A + A * 3) / 2, 5);
    expect(twoTokens('aepo', [1, 4], { dual_clip_c: 3, entropy_adv_coef: 0 }).grad_logp[1]![0]).toBeCloseTo(0, 6);
    expect(twoTokens('grpo', [1, 2.5], { dual_clip_c: 3 }).grad_logp[1]![0]).toBeCloseTo((2.5 * A) / 2, 5);
  });

  it('aggregates as token-mean or per-sequence means', () => {
    const batch = {
      rewards: [1, 0],
      group: [0, 0],
      logp: [
        [0, 0, 0],
        [0, 0, 0],
      ],
      old_logp: [
        [0, 0, 0],
        [0, 0, 0],
      ],
      mask: [
        [1, 1, 1],
        [1, 0, 0],
      ],
      entropy: [
        [1, 1, 1],
        [1, 1, 1],
      ],
    };
    const loss = (loss_agg: string) =>
      (
        runConformance({
          kind: 'loss',
          algorithm: 'grpo',
          config: { clip_low: 0.2, clip_high: 0.2, loss_agg },
          batch,
        }) as LossResult
      ).loss;
    expect(loss('token-mean')).toBeCloseTo((-3 * A + A) / 4, 5);
    expect(loss('seq-mean-token-mean')).toBeCloseTo((-A + A) / 2, 5);
    expect(loss('seq-mean-token-sum')).toBeCloseTo((-3 * A + A) / 2, 5);
    // Tokens outside the loss mask (tool results, prompt, padding) get no gradient, whatever the algorithm.
    for (const algorithm of ['grpo', 'dapo', 'reinforce_pp', 'gppo', 'cispo', 'arpo', 'aepo']) {
      const r = runConformance({
        kind: 'loss',
        algorithm,
        config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean' },
        batch,
      }) as LossResult;
      expect([Math.abs(r.grad_logp[1]![1]!), Math.abs(r.grad_logp[1]![2]!)], algorithm).toEqual([0, 0]);
      expect(r.grad_logp[0]![0], algorithm).not.toBe(0);
    }
  });

  it('adds the k3 KL term when kl_coef is set', () => {
    const base = {
      rewards: [1, 0],
      group: [0, 0],
      logp: [[-1], [-1]],
      old_logp: [[-1], [-1]],
      mask: [[1], [1]],
      entropy: [[1], [1]],
      ref_logp: [[-1.5], [-0.5]],
    };
    const withKl = runConformance({
      kind: 'loss',
      algorithm: 'grpo',
      config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean', kl_coef: 0.1 },
      batch: base,
    }) as LossResult;
    const k3 = (d: number) => Math.exp(d) - d - 1;
    expect(withKl.loss).toBeCloseTo((0.1 * (k3(-0.5) + k3(0.5))) / 2, 5);
  });
});

describe('advantage estimators', () => {
  it('REINFORCE++ whitens returns over all loss tokens of the batch, without a group baseline', () => {
    const r = runConformance({
      kind: 'loss',
      algorithm: 'reinforce_pp',
      config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean' },
      batch: {
        rewards: [1, 0, 0],
        group: ['a', 'b', 'c'],
        logp: [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        old_logp: [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        mask: [
          [1, 1],
          [1, 0],
          [1, 1],
        ],
        entropy: [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      },
    }) as LossResult;
    // Loss-token returns: 1, 1, 0, 0, 0 → mean 0.4, unbiased variance 0.3.
    const z = (x: number) => (x - 0.4) / Math.sqrt(0.3 + 1e-8);
    expect(r.advantages[0]![0]).toBeCloseTo(z(1), 5);
    expect(r.advantages[1]).toEqual([expect.closeTo(z(0), 5), 0]);
  });

  it("AEPO's entropy-aware advantage raises high-entropy tokens of good trajectories and lowers the rest", () => {
    const r = runConformance({
      kind: 'loss',
      algorithm: 'aepo',
      config: { clip_low: 0.2, clip_high: 0.2, loss_agg: 'token-mean', entropy_adv_coef: 0.2 },
      batch: {
        rewards: [1, 0],
        group: [0, 0],
        logp: [
          [0, 0],
          [0, 0],
        ],
        old_logp: [
          [0, 0],
          [0, 0],
        ],
        mask: [
          [1, 1],
          [1, 1],
        ],
        entropy: [
          [3, 1],
          [3, 1],
        ],
      },
    }) as LossResult;
    const z = 1 / Math.sqrt(4 / 3); // entropies 3, 1, 3, 1: mean 2, unbiased std √(4/3)
    expect(r.advantages[0]![0]).toBeCloseTo(A * (1 + 0.2 * z), 5);
    expect(r.advantages[0]![1]).toBeCloseTo(A * (1 - 0.2 * z), 5);
    expect(r.advantages[1]![0]).toBeCloseTo(-A * (1 + 0.2 * z), 5);
  });
});

describe('contract errors', () => {
  it('names the malformed field, with the index inside an array', () => {
    expect(() =>
      runConformance([
        { kind: 'premonitor', k: 4, h_root: 1, h_tool: [], beta: 0.5 },
        { kind: 'loss', algorithm: 'ppo' },
      ]),
    ).toThrow(expect.objectContaining({ field: '[1].algorithm' }));
    expect(() => runConformance({ kind: 'nope' })).toThrow(expect.objectContaining({ field: 'kind' }));
  });
});
