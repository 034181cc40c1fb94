/**
 * GPPO — Gradient-Preserving clipping Policy Optimization (Klear-Reasoner, Su et al., 2025).
 *
 * PPO's clip makes a clipped token's gradient vanish. GPPO writes both bounds with a stop-gradient,
 *   clip(ρ, (1 − ε_l)·ρ/sg(ρ), (1 + ε_h)·ρ/sg(ρ)),
 * so the forward value is unchanged (clip-higher PPO) but a clipped token keeps a bounded gradient: coefficient
 * (1 + ε_h) when ρ > 1 + ε_h with Â > 0, (1 − ε_l) when ρ < 1 − ε_l with Â < 0, and ρ otherwise. No token ever has a
 * zero gradient. Token-mean loss, ε_h = 0.28 in their math setting.
 *
 * As its authors ran it: Klear-Reasoner trained GPPO inside the DAPO recipe, so its defaults carry DAPO's dynamic
 * sampling, overlong reward shaping and dual clip c = 10 as well (the released configuration, docs/algorithms.md);
 * only the loss differs from `dapo`.
 */
import { DAPO_RECIPE_SETTINGS } from '../defaults';
import { ratioLoss, type TokenTerm } from '../losses';
import type { Algorithm, LossSettings, PolicyLoss } from '../types';

function gppoTerm(ratio: number, advantage: number, settings: LossSettings): TokenTerm {
  const low = 1 - settings.clipLow;
  const high = 1 + settings.clipHigh;
  const bound = ratio > high ? high : ratio < low ? low : null;
  // max(−Â·ρ, −Â·bound): when the bound wins, its value is −Â·bound and its gradient −Â·bound (ρ/sg(ρ) → 1).
  if (bound === null || -advantage * ratio >= -advantage * bound) return { s: -advantage, c: 0, clipped: null };
  return { s: (-advantage * bound) / ratio, c: 0, clipped: bound === high ? 'upper' : 'lower' };
}

export const gppoLoss: PolicyLoss = (batch, settings) =>
  ratioLoss(batch, settings, (ratio, advantage) => gppoTerm(ratio, advantage, settings));

export const gppo: Algorithm = {
  id: 'gppo',
  label: 'GPPO',
  fullName: 'Gradient-Preserving Clipping Policy Optimization',
  citation: {
    title: 'Klear-Reasoner: Advancing Reasoning Capability via Gradient-Preserving Clipping Policy Optimization',
    authors: 'Su et al.',
    arxiv: '2508.07629',
    year: 2025,
  },
  advantage: 'grpo',
  loss: 'gppo',
  rollout: 'independent',
  // The DAPO recipe's settings, which Klear-Reasoner's released GPPO runs used.
  defaults: DAPO_RECIPE_SETTINGS,
};
