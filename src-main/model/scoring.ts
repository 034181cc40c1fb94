/**
 * Log-probabilities and entropies of given token sequences under the model: what every policy loss consumes.
 * Differentiable, so a loss built from them trains the model.
 */
import * as tf from '@tensorflow/tfjs';
import { tokenLogpAndEntropy } from './ops';
import type { Transformer } from './transformer';

export interface ScoredTokens {
  /** [B, T−1]: log π(token t+1 | tokens ≤ t), in nats. */
  logp: tf.Tensor2D;
  /** [B, T−1]: entropy of the full next-token distribution at each position, in nats. */
  entropy: tf.Tensor2D;
  /** [B, T−1]: 1 where a real target token exists (not padding). Loss masks multiply into this. */
  mask: tf.Tensor2D;
}

/**
 * Scores right-padded sequences (lengths may differ, each at least 2 tokens). Call inside tf.tidy or
 * tf.variableGrads.
 */
export interface ScoreOptions {
  /** The sampling temperature: logits are divided by it, so log-probs and entropies are those of the distribution the
   * tokens were drawn from (verl does the same). Default 1. */
  temperature?: number;
}

export function scoreTokens(model: Transformer, sequences: number[][], options: ScoreOptions = {}): ScoredTokens {
  const width = Math.max(...sequences.map((s) => s.length));
  if (width < 2) throw new Error('scoring needs sequences of at least 2 tokens');
  if (width > model.config.contextLength)
    throw new Error(`a sequence of ${width} tokens is longer than the context of ${model.config.contextLength}`);
  const ids = sequences.map((s) => Array.from({ length: width }, (_, i) => s[i] ?? 0));
  const valid = sequences.map((s) => Array.from({ length: width }, (_, i) => i < s.length));
  const positions = sequences.map(() => Array.from({ length: width }, (_, i) => i));
  const raw = model.forward({ ids, positions, valid, logitsAt: 'all' });
  const temperature = options.temperature ?? 1;
  const logits = temperature === 1 ? raw : tf.div(raw, temperature);
  const batch = sequences.length;
  const vocab = model.config.vocabSize;
  const targets = tf.tensor2d(
    ids.map((row) => row.slice(1)),
    [batch, width - 1],
    'int32',
  );
  // [B, T−1, 2]: log-prob of each next token and the entropy of its distribution.
  const stats = tokenLogpAndEntropy(tf.slice(logits, [0, 0, 0], [batch, width - 1, vocab]), targets);
  const [logp, entropy] = tf.unstack(stats, -1) as [tf.Tensor2D, tf.Tensor2D];
  const mask = tf.tensor2d(
    valid.map((row) => row.slice(1).map(Number)),
    [batch, width - 1],
  );
  return { logp, entropy, mask };
}

/** Mean of x over the positions where mask is 1 (the token-mean aggregation of the released code). */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
