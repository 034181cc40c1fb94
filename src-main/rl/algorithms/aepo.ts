/**
 * AEPO — Agentic Entropy-Balanced Policy Optimization (Dong et al., arXiv 2510.14545, WWW 2026).
 * Not to be confused with "Arbitrary Entropy Policy Optimization" (arXiv 2510.08141), an unrelated method.
 *
 * Two parts, each balancing entropy where ARPO over-relied on it.
 *
 * 1. Dynamic entropy-balanced rollout (rollout strategy `aepo_tree`):
 *    - Entropy pre-monitoring: sample a 50-token probe from the question (H_root = Ĥ of its first 20 tokens) and one
 *      pilot tool-using trajectory (H̄_tool = mean Ĥ over its segments); start m = clamp(floor(k·σ(β(H_root − H̄_tool)))
 *      + 1, 1, k) trajectories from the root, β = 0.5. The pilot is not trained on.
 *    - Entropy-balanced branching with a consecutive-branch penalty: fork after a tool call iff
 *      clip((u + γ·ΔH)·max(0, 1 − 0.05·l), 0, 1) ≥ τ, with u ~ U(0,1), γ = 0.2, τ = 0.5 and l the number of
 *      consecutive rollout iterations in which the question grew its tree. This counters "high-entropy rollout
 *      collapse" (branches piling onto a few trajectories).
 *
 * 2. Entropy-balanced policy optimization:
 *    - Entropy clipping-balanced loss (`aepo_clip`, below): the upper clip bound becomes (1 + ε_h)·ρ/sg(ρ). The
 *      forward value is PPO-clip's, but a token with ρ > 1 + ε_h and Â > 0 keeps the gradient (1 + ε_h)·Â instead of
 *      none. The lower bound is unchanged (unlike GPPO), and the dual clip c = 3 still applies to Â < 0.
 *    - Entropy-aware advantage (`grpo_entropy_aware`, below): Ã = Â_GRPO · (1 + a·z(h)), z the token entropy
 *      z-scored over the micro-batch's loss tokens, a = 0.2.
 *
 * Where the paper and the released code differ, AEPO Lab follows the paper's intent (docs/algorithms.md): pre-monitoring on
 * (`dynamicRollouts: false` gives the released scripts' fixed m), the entropy-aware advantage on with no entropy bonus
 * (`entropyAdvCoef: 0` reproduces the released runs, where a gating bug skipped it), H_init per trajectory and step.
 */
import { grpoOutcomeAdvantage, mean, unbiasedStd } from '../advantages';
import { BASE_SETTINGS } from '../defaults';
import { ratioLoss, type TokenTerm } from '../losses';
import type { AdvantageEstimator, Algorithm, LossSettings, PolicyLoss } from '../types';

/** max(−Â·ρ, −Â·clip(ρ, 1 − ε_l, (1 + ε_h)·ρ/sg(ρ))): the upper bound keeps a gradient of (1 + ε_h)·Â. */
function aepoClipTerm(ratio: number, advantage: number, settings: LossSettings): TokenTerm {
  const low = 1 - settings.clipLow;
  const high = 1 + settings.clipHigh;
  if (ratio > high && -advantage * high > -advantage * ratio)
    return { s: (-advantage * high) / ratio, c: 0, clipped: 'upper' };
  if (ratio < low && -advantage * low > -advantage * ratio) return { s: 0, c: -advantage * low, clipped: 'lower' };
  return { s: -advantage, c: 0, clipped: null };
}

export const aepoClipLoss: PolicyLoss = (batch, settings) =>
  ratioLoss(batch, settings, (ratio, advantage) => aepoClipTerm(ratio, advantage, settings));

/** Ã(i,t) = Â_GRPO(i) · (1 + a · (h_{i,t} − mean h) / std h) over the micro-batch's loss tokens (std 0 counts as 1). */
export const entropyAwareAdvantage: AdvantageEstimator = (input, settings) => {
  const base = grpoOutcomeAdvantage(input.rewards, input.groups);
  const entropies = input.entropy.flatMap((row, b) => row.filter((_, t) => input.mask[b]![t]));
  const m = mean(entropies);
  const std = unbiasedStd(entropies) || 1;
  const a = settings.entropyAdvCoef;
  return input.entropy.map((row, b) =>
    row.map((h, t) => (input.mask[b]![t] ? base[b]! * (1 + a * ((h - m) / std)) : 0)),
  );
};

const AEPO_SETTINGS = { ...BASE_SETTINGS, globalSamples: 4, dynamicRollouts: true, entropyAdvCoef: 0.2 };

export const aepo: Algorithm = {
  id: 'aepo',
  label: 'AEPO',
  fullName: 'Agentic Entropy-Balanced Policy Optimization',
  citation: {
    title: 'Agentic Entropy-Balanced Policy Optimization',
    authors: 'Dong et al.',
    arxiv: '2510.14545',
    year: 2025,
  },
  advantage: 'grpo_entropy_aware',
  loss: 'aepo_clip',
  rollout: 'aepo_tree',
  defaults: AEPO_SETTINGS,
};
