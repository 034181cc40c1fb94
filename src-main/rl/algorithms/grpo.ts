/**
 * GRPO — Group Relative Policy Optimization (Shao et al., DeepSeekMath, 2024).
 *
 * Critic-free: the k trajectories of one question form a group, and each trajectory's outcome reward is compared with
 * the group's: Â_i = (R_i − mean_G R) / (std_G R + 1e-6), the same for every token of i. The update is PPO's clipped
 * surrogate, maximising min(ρ·Â, clip(ρ, 1 − ε, 1 + ε)·Â) per token with ε = 0.2 on both sides (plus verl's dual
 * clip at c = 3 for negative advantages), aggregated as a token mean, without KL (coefficient 0 in the authors' runs).
 *
 * This file also holds that PPO-clip loss, which DAPO, REINFORCE++, GiGPO and ARPO reuse by name.
 */
import { BASE_SETTINGS } from '../defaults';
import { ppoClipTerm, ratioLoss } from '../losses';
import type { Algorithm, PolicyLoss } from '../types';

/** −min(ρÂ, clip(ρ)Â) per token: a clipped token contributes its value but no gradient. */
export const ppoClipLoss: PolicyLoss = (batch, settings) =>
  ratioLoss(batch, settings, (ratio, advantage) => ppoClipTerm(ratio, advantage, settings));

export const grpo: Algorithm = {
  id: 'grpo',
  label: 'GRPO',
  fullName: 'Group Relative Policy Optimization',
  citation: {
    title: 'DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models',
    authors: 'Shao et al.',
    arxiv: '2402.03300',
    year: 2024,
  },
  advantage: 'grpo',
  loss: 'ppo_clip',
  rollout: 'independent',
  defaults: BASE_SETTINGS,
};
