import { describe, expect, it } from 'vitest';
import { ALGORITHMS, ADVANTAGE_ESTIMATORS, POLICY_LOSSES } from '../../../src-main/rl/algorithms/registry';
import { aepoBranches, aepoBranchProbability, arpoBranches, arpoBranchProbability, DEFAULT_BRANCH_CONFIG, premonitorGlobalSamples, segmentEntropy } from '../../../src-main/rl/branching';
import { Rng } from '../../../src-main/model/rng';

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
      expect(arpoBranchProbability(dh, DEFAULT_BRANCH_CONFIG)).toBeCloseTo(aepoBranchProbability(dh, 0, DEFAULT_BRANCH_CONFIG), 10);
    }
  });

  it('the branch tests fire at the rates the probabilities state', () => {
    const rng = new Rng(3);
    let aepo = 0;
    let arpo = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (aepoBranches(rng.next(), 0.5, 4, DEFAULT_BRANCH_CONFIG)) aepo++;
      if (arpoBranches(rng.next(), 0.5, DEFAULT_BRANCH_CONFIG)) arpo++;
    }
    expect(aepo / n).toBeCloseTo(aepoBranchProbability(0.5, 4, DEFAULT_BRANCH_CONFIG), 1);
    expect(arpo / n).toBeCloseTo(arpoBranchProbability(0.5, DEFAULT_BRANCH_CONFIG), 1);
  });

  it('segment entropy sums the first 20 token entropies and divides by ln |V|', () => {
    expect(segmentEntropy(Array.from({ length: 30 }, () => 1), Math.E ** 2)).toBeCloseTo(10, 10);
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
});
