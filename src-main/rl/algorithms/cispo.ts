/**
 * CISPO — Clipped IS-weight Policy Optimization (MiniMax-M1, 2025).
 *
 * Instead of clipping the update, CISPO clips the importance-sampling weight and detaches it:
 *   J = (1/Σ|o_i|) Σ_i Σ_t sg(clip(ρ_{i,t}, 1 − ε_low, 1 + ε_high)) · Â_i · log π_θ(y_{i,t}),
 * so every token keeps a gradient (weighted at most 1 + ε_high) and none is dropped. The lower bound is effectively
 * off (ε_low = 1 here, i.e. a floor of 0) and ε_high is tuned; we use 0.28, DAPO's value. Dual clip does not apply.
 */
import * as tf from '@tensorflow/tfjs';
import { BASE_SETTINGS } from '../defaults';
import { aggregate, k3Kl, sum2d } from '../losses';
import type { Algorithm, PolicyLoss } from '../types';

export const cispoLoss: PolicyLoss = (batch, settings) => {
  const low = 1 - settings.clipLow;
  const high = 1 + settings.clipHigh;
  const current = batch.logp.arraySync();
  let upper = 0;
  let lower = 0;
  let kl = 0;
  const weights = current.map((row, b) =>
    row.map((logp, t) => {
      const logRatio = logp - batch.oldLogp[b]![t]!;
      const ratio = Math.exp(logRatio);
      if (batch.mask[b]![t]) {
        if (ratio > high) upper++;
        if (ratio < low) lower++;
        kl += Math.exp(-logRatio) - 1 + logRatio;
      }
      // The detached, clipped IS weight times the advantage: the constant that multiplies log π.
      return -Math.min(Math.max(ratio, low), high) * batch.advantages[b]![t]!;
    }),
  );
  let terms = tf.mul(tf.tensor2d(weights), batch.logp) as tf.Tensor2D;
  if (settings.klCoef !== 0 && batch.refLogp)
    terms = tf.add(terms, tf.mul(k3Kl(batch.logp, batch.refLogp), settings.klCoef)) as tf.Tensor2D;
  const tokens = Math.max(1, sum2d(batch.mask));
  return {
    loss: aggregate(terms, batch.mask, settings.lossAgg),
    clipFracUpper: upper / tokens,
    clipFracLower: lower / tokens,
    approxKl: kl / tokens,
  };
};

export const cispo: Algorithm = {
  id: 'cispo',
  label: 'CISPO',
  fullName: 'Clipped IS-weight Policy Optimization',
  citation: {
    title: 'MiniMax-M1: Scaling Test-Time Compute Efficiently with Lightning Attention',
    authors: 'MiniMax',
    arxiv: '2506.13585',
    year: 2025,
  },
  advantage: 'grpo',
  loss: 'cispo',
  rollout: 'independent',
  defaults: { ...BASE_SETTINGS, clipLow: 1, clipHigh: 0.28, dualClipC: null },
};
