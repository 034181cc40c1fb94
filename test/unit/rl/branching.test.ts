import { describe, expect, it } from 'vitest';
import { ALGORITHMS, ADVANTAGE_ESTIMATORS, POLICY_LOSSES } from '../../../src-main/rl/algorithms/registry';
import {
  aepoBranchProbability,
  arpoBranchProbability,
  DEFAULT_BRANCH_CONFIG,
  premonitorGlobalSamples,
  measureSegmentEntropy,
} from '../../../src-main/rl/branching';
import { Rng } from '../../../src-main/model/rng';
import { LAUNCH_TABLE, type LaunchRecipe } from '../../../src-main/experiments/remote/verl-launch';
import { DEFAULT_RUN_CONFIG } from '../../../src-main/experiments/plan/run-config';
import { pickToken } from '../../../src-main/model/sampling';
import type { RolloutTree, Trajectory } from '../../../src-main/rl/rollout/types';
import { treeMetrics } from '../../../src-main/rl/tree-metrics';

describe('AEPO pre-monitoring', () => {
  it('m = clamp(floor(k·σ(β(H_root − mean H_tool))) + 1, 1, k), as in the released code', () => {
    expect(premonitorGlobalSamples(12, 1, [1], 0.5)).toBe(7);
    expect(premonitorGlobalSamples(16, 1, [1, 1], 0.5)).toBe(9);
    expect(premonitorGlobalSamples(8, 100, [0], 0.5)).toBe(8);
    expect(premonitorGlobalSamples(8, -100, [0], 0.5)).toBe(1);
    expect(premonitorGlobalSamples(8, 2, [], 0.5)).toBe(5); // empty list: mean = H_root
  });
});

describe('branch probabilities', () => {
  it('AEPO: 0.5 + 0.2·ΔH at l = 0, 0.2·ΔH at l = 10, 0 once the penalty reaches 1', () => {
    expect(aepoBranchProbability(0.5, 0, DEFAULT_BRANCH_CONFIG)).toBeCloseTo(0.6, 10);
    expect(aepoBranchProbability(2, 10, DEFAULT_BRANCH_CONFIG)).toBeCloseTo(0.4, 10);
    expect(aepoBranchProbability(5, 20, DEFAULT_BRANCH_CONFIG)).toBe(0);
    expect(aepoBranchProbability(-10, 0, DEFAULT_BRANCH_CONFIG)).toBe(0);
  });

  it('ARPO: clip(τ + γ·ΔH, 0, 1), the same as AEPO at l = 0', () => {
    for (const dh of [-3, -0.5, 0, 0.7, 4]) {
      expect(arpoBranchProbability(dh, DEFAULT_BRANCH_CONFIG)).toBeCloseTo(
        aepoBranchProbability(dh, 0, DEFAULT_BRANCH_CONFIG),
        10,
      );
    }
  });

  it("each probability is exactly its rule's firing rate, edges included (τ = 0, τ = 1, a spent penalty)", () => {
    // The rules as the paper and the released code state them, with u ~ U(0, 1).
    const clip01 = (x: number) => Math.min(1, Math.max(0, x));
    const aepoRule = (u: number, dh: number, l: number, c: typeof DEFAULT_BRANCH_CONFIG) =>
      clip01((u + c.gamma * dh) * Math.max(0, 1 - c.penalty * l)) >= c.tau;
    const arpoRule = (u: number, dh: number, c: typeof DEFAULT_BRANCH_CONFIG) => clip01(u - c.gamma * dh) <= c.tau;
    const rng = new Rng(3);
    const n = 20_000;
    for (const tau of [0, 0.5, 1]) {
      for (const [dh, l] of [
        [0.5, 4],
        [-2, 0],
        [3, 25],
        [-0.5, 10],
      ] as const) {
        const config = { ...DEFAULT_BRANCH_CONFIG, tau };
        let aepo = 0;
        let arpo = 0;
        for (let i = 0; i < n; i++) {
          if (aepoRule(rng.next(), dh, l, config)) aepo++;
          if (arpoRule(rng.next(), dh, config)) arpo++;
        }
        expect(aepoBranchProbability(dh, l, config), `AEPO τ=${tau} ΔH=${dh} l=${l}`).toBeCloseTo(aepo / n, 1);
        expect(arpoBranchProbability(dh, config), `ARPO τ=${tau} ΔH=${dh}`).toBeCloseTo(arpo / n, 1);
      }
    }
    // The disagreement this replaced: at τ = 0 the rule always fires, even with the penalty spent.
    expect(aepoBranchProbability(-1, 0, { ...DEFAULT_BRANCH_CONFIG, tau: 0 })).toBe(1);
    expect(aepoBranchProbability(0, 40, { ...DEFAULT_BRANCH_CONFIG, tau: 0 })).toBe(1);
  });

  it('segment entropy: each form, and the default on the released scale without its length artefact', () => {
    const tokens = (n: number, entropy: number, topEntropy?: number) =>
      Array.from({ length: n }, () => ({ entropy, topEntropy }));
    const logV = 2;
    const vocab = Math.E ** logV;
    expect(measureSegmentEntropy(tokens(30, 1), vocab, 20, 'mean-normalized')).toBeCloseTo(0.5, 10);
    expect(measureSegmentEntropy(tokens(5, 1), vocab, 20, 'mean-normalized')).toBeCloseTo(0.5, 10);
    expect(measureSegmentEntropy(tokens(30, 1), vocab, 20, 'sum-normalized')).toBeCloseTo(10, 10);
    expect(measureSegmentEntropy(tokens(5, 1), vocab, 20, 'sum-normalized')).toBeCloseTo(2.5, 10);
    // The released code's form: top-10 entropies, summed over the first 20, ÷ ln |V|.
    expect(measureSegmentEntropy(tokens(30, 1, 0.8), vocab, 20, 'released-top10')).toBeCloseTo(8, 10);
    expect(measureSegmentEntropy([], vocab, 20, 'mean-normalized')).toBe(0);
    // The default: 20 / ln 151,665 × the mean top-10 entropy, equal to the released Ĥ (at Qwen's vocabulary) for a
    // segment of 20 tokens or more, and the same for a shorter segment of the same per-token entropy.
    const released = measureSegmentEntropy(tokens(30, 1, 0.8), 151_665, 20, 'released-top10');
    expect(measureSegmentEntropy(tokens(30, 1, 0.8), vocab, 20, 'released-scale')).toBeCloseTo(released, 12);
    expect(measureSegmentEntropy(tokens(6, 1, 0.8), vocab, 20, 'released-scale')).toBeCloseTo(released, 12);
    expect(released).toBeCloseTo((20 * 0.8) / Math.log(151_665), 12);
    // So a full nat of mean per-token entropy moves ARPO's P by γ·20/ln 151,665 ≈ 0.335.
    const perNat =
      arpoBranchProbability(
        measureSegmentEntropy(tokens(20, 0, 1), vocab, 20, 'released-scale'),
        DEFAULT_BRANCH_CONFIG,
      ) -
      arpoBranchProbability(
        measureSegmentEntropy(tokens(20, 0, 0), vocab, 20, 'released-scale'),
        DEFAULT_BRANCH_CONFIG,
      );
    expect(perNat).toBeCloseTo(0.335, 3);
    expect(ALGORITHMS.aepo.defaults.segmentEntropy).toBe('released-scale');
  });
});

describe("top-10 entropy as vLLM's log-probs give it", () => {
  it('sums −p·log p over the 10 likeliest ids, plus the sampled id when it lies outside them', () => {
    // 20 ids: ten of weight 3, ten of weight 1 (sum 40); the sampled id is drawn from the whole distribution.
    const logits = new Float32Array(20).map((_, i) => (i < 10 ? Math.log(3) : 0));
    const h = (p: number) => -p * Math.log(p);
    const topTen = 10 * h(3 / 40);
    const seen = new Set<number>();
    const rng = new Rng(1);
    for (let draw = 0; draw < 200; draw++) {
      const picked = pickToken(logits, { topEntropyIds: 10 }, rng);
      const expected = picked.id < 10 ? topTen : topTen + h(1 / 40);
      expect(picked.topEntropy, `id ${picked.id}`).toBeCloseTo(expected, 6);
      seen.add(picked.id < 10 ? 0 : 1);
    }
    expect(seen.size).toBe(2);
  });
});

describe('algorithm catalogue', () => {
  it('every preset names a registered estimator and loss, and carries its full name and citation', () => {
    for (const preset of Object.values(ALGORITHMS)) {
      expect(ADVANTAGE_ESTIMATORS[preset.advantage], preset.id).toBeTypeOf('function');
      expect(POLICY_LOSSES[preset.loss], preset.id).toBeTypeOf('function');
      expect(preset.citation.arxiv, preset.id).toMatch(/^\d{4}\.\d{5}$/);
    }
    expect(ALGORITHMS.aepo.fullName).toBe('Agentic Entropy-Balanced Policy Optimization');
    expect(ALGORITHMS.aepo.citation.arxiv).toBe('2510.14545');
    expect(Object.keys(ALGORITHMS)).toHaveLength(10);
  });

  it('GPPO runs as Klear-Reasoner ran it: the DAPO recipe, with only the loss its own (here and on a cluster)', () => {
    expect(ALGORITHMS.gppo.defaults).toEqual(ALGORITHMS.dapo.defaults);
    expect(ALGORITHMS.gppo.defaults).toMatchObject({ dynamicSampling: true, dualClipC: 10, clipHigh: 0.28 });
    expect(ALGORITHMS.gppo.defaults.overlongShaping).toEqual({ bufferFraction: 0.2, penalty: 1 });
    expect([ALGORITHMS.gppo.loss, ALGORITHMS.dapo.loss]).toEqual(['gppo', 'ppo_clip']);
    const recipe = LAUNCH_TABLE.gppo as LaunchRecipe;
    const overrides = recipe.overrides(ALGORITHMS.gppo.defaults, DEFAULT_RUN_CONFIG);
    expect(overrides).toContain('algorithm.filter_groups.enable=True');
    expect(overrides).toContain('algorithm.filter_groups.metric=score');
    expect(overrides).toContain('reward_model.overlong_buffer.enable=True');
  });
});

describe('consecutive branching, measured two ways', () => {
  it('per path (a trajectory branching at consecutive tool steps) and per question (consecutive growing iterations)', () => {
    const trajectory = (branchIterations: number[]) => ({ branchIterations }) as unknown as Trajectory;
    // Two trajectories each branch once, in consecutive iterations: no path branched twice in a row,
    // but the question grew in iterations 0, 1 and 3, so one growth of three followed another.
    const tree = {
      trajectories: [trajectory([0]), trajectory([1]), trajectory([])],
      globalSamples: 1,
      growthIterations: [0, 1, 3],
    } as unknown as RolloutTree;
    const metrics = treeMetrics([tree], () => null);
    expect(metrics.consecutiveBranchSharePerPath).toBe(0);
    expect(metrics.consecutiveGrowthShare).toBeCloseTo(1 / 3, 10);
    const pathTree = {
      ...tree,
      trajectories: [trajectory([2, 3, 5])],
      growthIterations: [2, 3, 5],
    } as unknown as RolloutTree;
    expect(treeMetrics([pathTree], () => null).consecutiveBranchSharePerPath).toBeCloseTo(1 / 3, 10);
  });
});
