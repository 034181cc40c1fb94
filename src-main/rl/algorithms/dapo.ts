/**
 * DAPO — Decoupled Clip and Dynamic sAmpling Policy Optimization (Yu et al., 2025).
 *
 * GRPO's advantage and PPO-clip loss with four changes:
 * 1. Clip-higher: ε_l = 0.2 but ε_h = 0.28, so low-probability tokens can grow more before the clip stops them.
 * 2. Dynamic sampling: a group whose trajectories are all right or all wrong has zero advantage everywhere; it is
 *    dropped and the batch is refilled by rolling out fresh questions, up to `maxGenerationBatches` rounds (the
 *    recipe's max_num_gen_batches, 10). The filter looks at accuracy, not at the shaped reward.
 * 3. Token-level aggregation: one mean over all loss tokens of the batch (every token weighs the same).
 * 4. Overlong reward shaping: in the last fifth of the rollout's response budget (the paper's 4,096 of 20,480 tokens)
 *    the reward is lowered linearly, down to −1 at the budget, instead of a cliff.
 * No KL term. Dual clip c = 10, the recipe's value (the other algorithms keep verl's default of 3).
 */
import { DAPO_RECIPE_SETTINGS } from '../defaults';
import type { Algorithm } from '../types';

export const dapo: Algorithm = {
  id: 'dapo',
  label: 'DAPO',
  fullName: 'Decoupled Clip and Dynamic Sampling Policy Optimization',
  citation: {
    title: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale',
    authors: 'Yu et al.',
    arxiv: '2503.14476',
    year: 2025,
  },
  advantage: 'grpo',
  loss: 'ppo_clip',
  rollout: 'independent',
  // The dual clip c = 10 is the recipe's clip_ratio_c: it caps a negative-advantage token's loss at 10·|Â|.
  defaults: DAPO_RECIPE_SETTINGS,
};
