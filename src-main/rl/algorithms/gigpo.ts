/**
 * GiGPO — Group-in-Group Policy Optimization (Feng et al., 2025): two-level credit assignment for multi-turn agents.
 *
 * A = A^E + ω·A^S. A^E is the episode-level advantage (GRPO over the question's trajectories). A^S is step-level:
 * steps of different trajectories that start from the same **anchor state** form a group, and each step's return is
 * normalised within it. With outcome-only rewards the return of step s of a trajectory with S steps is
 * γ^(S − 1 − s)·R_i, γ = 0.95 as in verl-agent: a step far from the answer earns less of the credit. A step whose
 * anchor group has one member gets A^S = 0. ω = 1. The update is PPO-clip.
 *
 * The anchor state. GiGPO groups steps that face the same environment state; in its text games that is the
 * observation. For a tool-using agent the environment is the tools, so AEPO Lab takes the question plus the exact
 * sequence of tool calls and tool results so far: two trajectories that issued the same searches and saw the same
 * results face the same state, whatever free text they wrote around them (text is the agent's action, not the
 * state). How the AEPO authors adapted anchor states to search agents is not published (docs/algorithms.md).
 */
import { GRPO_EPS, grpoOutcomeAdvantage, mean, unbiasedStd } from '../advantages';
import { BASE_SETTINGS } from '../defaults';
import type { AdvantageEstimator, Algorithm } from '../types';

export const gigpoAdvantage: AdvantageEstimator = (input, settings) => {
  const { stepOfToken, anchorKeys } = input;
  if (!stepOfToken || !anchorKeys) throw new Error('GiGPO needs stepOfToken and anchorKeys from the rollout');
  const episode = grpoOutcomeAdvantage(input.rewards, input.groups);
  // Outcome-only reward at the last step, discounted back: the return of step s of S is γ^(S − 1 − s)·R.
  const stepReturns = anchorKeys.map((keys, b) =>
    keys.map((_, s) => settings.stepDiscount ** (keys.length - 1 - s) * input.rewards[b]!),
  );
  const returnsByAnchor = new Map<string, number[]>();
  anchorKeys.forEach((keys, b) =>
    keys.forEach((key, s) => returnsByAnchor.set(key, [...(returnsByAnchor.get(key) ?? []), stepReturns[b]![s]!])),
  );
  const stepAdvantage = anchorKeys.map((keys, b) =>
    keys.map((key, s) => {
      const group = returnsByAnchor.get(key)!;
      return group.length < 2 ? 0 : (stepReturns[b]![s]! - mean(group)) / (unbiasedStd(group) + GRPO_EPS);
    }),
  );
  return input.mask.map((row, b) =>
    row.map((m, t) => {
      if (!m) return 0;
      const step = stepOfToken[b]![t]!;
      return episode[b]! + settings.stepAdvWeight * (step >= 0 ? (stepAdvantage[b]![step] ?? 0) : 0);
    }),
  );
};

export const gigpo: Algorithm = {
  id: 'gigpo',
  label: 'GiGPO',
  fullName: 'Group-in-Group Policy Optimization',
  citation: {
    title: 'Group-in-Group Policy Optimization for LLM Agent Training',
    authors: 'Feng et al.',
    arxiv: '2505.10978',
    year: 2025,
  },
  advantage: 'gigpo',
  loss: 'ppo_clip',
  rollout: 'independent',
  defaults: BASE_SETTINGS,
};
