/**
 * Shared math of the clipped policy losses. Each loss decides, per token, which branch of its min/max/clip is active
 * from the numbers (in JS, since tfjs has no gradient for comparisons), and writes the token's term as
 *   term = s · ρ + c        (ρ = exp(logp − old_logp); s and c constants for that token)
 * so that the forward value is the objective's and d term / d logp = s · ρ is exactly the gradient its formula has:
 * s = −Â for an unclipped token, s = 0 with c = −Â·clip(ρ) for a clipped one, s = −Â·b/sg(ρ) for a stop-gradient bound b.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossAggregation, LossBatch, LossSettings, LossOutput } from './types';

export interface TokenTerm {
  /** Multiplies ρ (carries the gradient). */
  s: number;
  /** Constant added (no gradient). */
  c: number;
  clipped: 'upper' | 'lower' | null;
}

/** Σ_t over loss tokens, aggregated as lossAgg says; `terms` is [B, T]. */
export function aggregate(terms: tf.Tensor2D, mask: number[][], mode: LossAggregation): tf.Scalar {
  const m = tf.tensor2d(mask);
  const masked = tf.mul(terms, m);
  if (mode === 'token-mean') return tf.div(tf.sum(masked), Math.max(1, sum2d(mask))) as tf.Scalar;
  const perSequence = tf.sum(masked, 1);
  if (mode === 'seq-mean-token-sum') return tf.mean(perSequence) as tf.Scalar;
  const counts = tf.tensor1d(
    mask.map((row) =>
      Math.max(
        1,
        row.reduce((a, b) => a + b, 0),
      ),
    ),
  );
  return tf.mean(tf.div(perSequence, counts)) as tf.Scalar;
}

export const sum2d = (rows: number[][]) => rows.reduce((total, row) => total + row.reduce((a, b) => a + b, 0), 0);

/** k3 estimator of KL(π_θ ‖ π_ref) per token: exp(ref − logp) − (ref − logp) − 1. */
export function k3Kl(logp: tf.Tensor2D, refLogp: number[][]): tf.Tensor2D {
  const diff = tf.sub(tf.tensor2d(refLogp), logp);
  return tf.sub(tf.sub(tf.exp(diff), diff), 1) as tf.Tensor2D;
}

/** PPO dual-clip: for Â < 0 the token loss is capped at −Â·c (and then carries no gradient). */
export function dualClip(term: TokenTerm, ratio: number, advantage: number, c: number | null): TokenTerm {
  if (c === null || advantage >= 0) return term;
  const value = term.s * ratio + term.c;
  const cap = -advantage * c;
  return value > cap ? { s: 0, c: cap, clipped: term.clipped } : term;
}

/**
 * Builds the loss from a per-token rule: `rule(ρ, Â)` says which branch is active. Adds the KL term when configured,
 * aggregates, and counts clip fractions and the k3 KL to the old policy over loss tokens.
 */
export function ratioLoss(
  batch: LossBatch,
  settings: LossSettings,
  rule: (ratio: number, advantage: number) => TokenTerm,
): LossOutput {
  const current = batch.logp.arraySync();
  const s: number[][] = [];
  const c: number[][] = [];
  let upper = 0;
  let lower = 0;
  let kl = 0;
  current.forEach((row, b) => {
    s.push([]);
    c.push([]);
    row.forEach((logp, t) => {
      const logRatio = logp - batch.oldLogp[b]![t]!;
      const ratio = Math.exp(logRatio);
      const term = dualClip(rule(ratio, batch.advantages[b]![t]!), ratio, batch.advantages[b]![t]!, settings.dualClipC);
      s[b]!.push(term.s);
      c[b]!.push(term.c);
      if (batch.mask[b]![t]) {
        if (term.clipped === 'upper') upper++;
        if (term.clipped === 'lower') lower++;
        kl += Math.exp(-logRatio) - 1 + logRatio;
      }
    });
  });
  const ratio = tf.exp(tf.sub(batch.logp, tf.tensor2d(batch.oldLogp)));
  let terms = tf.add(tf.mul(tf.tensor2d(s), ratio), tf.tensor2d(c)) as tf.Tensor2D;
  if (settings.klCoef !== 0 && batch.refLogp)
    terms = tf.add(terms, tf.mul(k3Kl(batch.logp, batch.refLogp), settings.klCoef)) as tf.Tensor2D;
  const tokens = Math.max(1, sum2d(batch.mask));
  return {
    loss: aggregate(terms, batch.mask, settings.lossAgg),
    clipFracUpper: upper / tokens,
    clipFracLower: lower / tokens,
    approxKl: kl / tokens,
  };
}

/** The standard PPO-clip branch choice: max(−Â·ρ, −Â·clip(ρ, 1 − ε_l, 1 + ε_h)), clipped side constant. */
export function ppoClipTerm(ratio: number, advantage: number, settings: LossSettings): TokenTerm {
  const low = 1 - settings.clipLow;
  const high = 1 + settings.clipHigh;
  const clippedRatio = Math.min(Math.max(ratio, low), high);
  if (-advantage * ratio >= -advantage * clippedRatio) return { s: -advantage, c: 0, clipped: null };
  return { s: 0, c: -advantage * clippedRatio, clipped: ratio > high ? 'upper' : 'lower' };
}
