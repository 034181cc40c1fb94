/**
 * ARPO — Agentic Reinforced Policy Optimization (Dong et al., 2025), the predecessor of AEPO.
 *
 * Observation: the policy's entropy jumps in the first tokens it writes after a tool result. ARPO spends part of the
 * rollout budget there. Per question it first samples m = `globalSamples` trajectories from the root (8 of k = 16 in
 * the authors' code). After each tool call it measures the segment entropy Ĥ (first 20 tokens, / ln |V|), takes
 * ΔH = Ĥ_now − Ĥ_initial of that trajectory, and forks the trajectory (copying its context, tool result included)
 * with probability clip(τ + γ·ΔH, 0, 1), τ = 0.5, γ = 0.2, until the question has k trajectories. Budget left when
 * everything has finished goes to fresh root samples. No consecutive-branch penalty, no pre-monitoring.
 *
 * Advantage: plain GRPO on the duplicated sequences ("soft" attribution, the paper's default). Loss: GRPO's PPO-clip.
 */
import { BASE_SETTINGS } from '../defaults';
import type { Algorithm } from '../types';

export const arpo: Algorithm = {
  id: 'arpo',
  label: 'ARPO',
  fullName: 'Agentic Reinforced Policy Optimization',
  citation: {
    title: 'Agentic Reinforced Policy Optimization',
    authors: 'Dong et al.',
    arxiv: '2507.19849',
    year: 2025,
  },
  advantage: 'grpo',
  loss: 'ppo_clip',
  rollout: 'arpo_tree',
  defaults: { ...BASE_SETTINGS, globalSamples: 4 },
};
