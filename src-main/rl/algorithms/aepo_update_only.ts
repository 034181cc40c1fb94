/**
 * AEPO ablation: entropy-balanced policy optimization alone (the stop-gradient upper clip and the entropy-aware
 * advantage) on independent rollouts, as GRPO samples them. Isolates what the update half of AEPO contributes.
 */
import { BASE_SETTINGS } from '../defaults';
import type { Algorithm } from '../types';

export const aepoUpdateOnly: Algorithm = {
  id: 'aepo_update_only',
  label: 'AEPO (update only)',
  fullName: 'Agentic Entropy-Balanced Policy Optimization, entropy-balanced policy optimization only',
  citation: {
    title: 'Agentic Entropy-Balanced Policy Optimization',
    authors: 'Dong et al.',
    arxiv: '2510.14545',
    year: 2025,
  },
  advantage: 'grpo_entropy_aware',
  loss: 'aepo_clip',
  rollout: 'independent',
  defaults: { ...BASE_SETTINGS, entropyAdvCoef: 0.2 },
};
