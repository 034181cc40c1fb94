/**
 * AEPO ablation: the dynamic entropy-balanced rollout alone (pre-monitoring and penalised branching), trained with
 * GRPO's advantage and PPO-clip loss. Isolates what the rollout half of AEPO contributes.
 */
import { BASE_SETTINGS } from '../defaults';
import type { Algorithm } from '../types';

export const aepoRolloutOnly: Algorithm = {
  id: 'aepo_rollout_only',
  label: 'AEPO (rollout only)',
  fullName: 'Agentic Entropy-Balanced Policy Optimization, dynamic entropy-balanced rollout only',
  citation: {
    title: 'Agentic Entropy-Balanced Policy Optimization',
    authors: 'Dong et al.',
    arxiv: '2510.14545',
    year: 2025,
  },
  advantage: 'grpo',
  loss: 'ppo_clip',
  rollout: 'aepo_tree',
  defaults: { ...BASE_SETTINGS, globalSamples: 4, dynamicRollouts: true },
};
