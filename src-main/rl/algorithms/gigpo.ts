/**
 * GiGPO — Group-in-Group Policy Optimization (Feng et al., 2025): two-level credit assignment for multi-turn agents.
 *
 * A = A^E + ω·A^S. A^E is the episode-level advantage (GRPO over the question's trajectories). A^S is step-level:
 * steps of different trajectories that start from the same **anchor state** form a group, and each step's return is
 * normalised within it. For a tool-using agent AEPO Lab defines the anchor state as the question plus the exact
 * sequence of tool calls and tool results so far (what the environment has shown the agent); the model's free text
 * is not part of the state. With outcome-only rewards and no discount the return from any step is R_i. A step whose
 * anchor group has one member gets A^S = 0. ω = 1. The update is PPO-clip. (Spec §7: how the AEPO authors adapted
 * anchor states to search agents is not known.)
 */
import { GRPO_EPS, grpoOutcomeAdvantage, mean, unbiasedStd } from '../advantages';
import { BASE_SETTINGS } from '../defaults';
import type { AdvantageEstimator, AlgorithmPreset } from '../types';

export const gigpoAdvantage: AdvantageEstimator = (input, options) => {
  const { stepOfToken, anchorKeys } = input;
  if (!stepOfToken || !anchorKeys) throw new Error('GiGPO needs stepOfToken and anchorKeys from the rollout');
  const episode = grpoOutcomeAdvantage(input.rewards, input.groups);
  const returnsByAnchor = new Map<string, number[]>();
  anchorKeys.forEach((keys, b) => keys.forEach((key) => returnsByAnchor.set(key, [...(returnsByAnchor.get(key) ?? []), input.rewards[b]!])));
  const stepAdvantage = anchorKeys.map((keys, b) =>
    keys.map((key) => {
      const group = returnsByAnchor.get(key)!;
      return group.length < 2 ? 0 : (input.rewards[b]! - mean(group)) / (unbiasedStd(group) + GRPO_EPS);
    }),
  );
  return input.mask.map((row, b) =>
    row.map((m, t) => {
      if (!m) return 0;
      const step = stepOfToken[b]![t]!;
      return episode[b]! + options.stepAdvWeight * (step >= 0 ? (stepAdvantage[b]![step] ?? 0) : 0);
    }),
  );
};

export const gigpo: AlgorithmPreset = {
  id: 'gigpo',
  label: 'GiGPO',
  fullName: 'Group-in-Group Policy Optimization',
  citation: { title: 'Group-in-Group Policy Optimization for LLM Agent Training', authors: 'Feng et al.', arxiv: '2505.10978', year: 2025 },
  advantage: 'gigpo',
  loss: 'ppo_clip',
  rollout: 'independent',
  defaults: BASE_SETTINGS,
};
