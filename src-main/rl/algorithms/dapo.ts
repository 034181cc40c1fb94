/**
 * DAPO — Decoupled Clip and Dynamic sAmpling Policy Optimization (Yu et al., 2025).
 *
 * GRPO's advantage and PPO-clip loss with four changes:
 * 1. Clip-higher: ε_l = 0.2 but ε_h = 0.28, so low-probability tokens can grow more before the clip stops them.
 * 2. Dynamic sampling: a group whose rewards are all equal has zero advantage everywhere; it is dropped and the batch
 *    is refilled with new questions.
 * 3. Token-level aggregation: one mean over all loss tokens of the batch (every token weighs the same).
 * 4. Overlong reward shaping: in the last `buffer` tokens before the length limit the reward is lowered linearly, down
 *    to −1 at the limit, instead of a cliff.
 * No KL term.
 */
import { BASE_SETTINGS } from '../defaults';
import type { AlgorithmPreset } from '../types';

export const dapo: AlgorithmPreset = {
  id: 'dapo',
  label: 'DAPO',
  fullName: 'Decoupled Clip and Dynamic Sampling Policy Optimization',
  citation: { title: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale', authors: 'Yu et al.', arxiv: '2503.14476', year: 2025 },
  advantage: 'grpo',
  loss: 'ppo_clip',
  rollout: 'independent',
  defaults: {
    ...BASE_SETTINGS,
    clipHigh: 0.28,
    dynamicSampling: true,
    overlongShaping: { maxLength: 512, buffer: 128, penalty: 1 },
  },
};
