/**
 * Turning one row of logits into a token: temperature, top-k, top-p, and the numbers the RL code needs for that
 * token (its log-probability and the entropy of the full distribution, both in nats). Plain JS on a Float32Array:
 * for a vocabulary of a few hundred ids this costs microseconds, less than a round trip to the tensor backend.
 */
import type { Rng } from './rng';

export interface SamplingParams {
  /** 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely ids (0 or undefined: all). */
  topK?: number;
  /** Keep the smallest set of most likely ids whose probability reaches p (1 or undefined: all). */
  topP?: number;
}

export interface PickedToken {
  id: number;
  /** log p(id) under softmax(logits / T) before any top-k/top-p cut (T = 1 when greedy). */
  logp: number;
  /** Entropy of that same full distribution, in nats. */
  entropy: number;
}

/** Softmax of logits/temperature into `out`; returns log of the partition sum for log-probs. */
function softmaxInto(logits: Float32Array, temperature: number, out: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i]! - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return max / temperature + Math.log(sum);
}

/** Reused across calls: sampling runs once per token, and a fresh array each time is pure garbage-collector work. */
let scratch = new Float64Array(0);

export function pickToken(logits: Float32Array, params: SamplingParams, rng: Rng): PickedToken {
  const temperature = params.temperature ?? 1;
  const greedy = temperature <= 0;
  const t = greedy ? 1 : temperature;
  if (scratch.length !== logits.length) scratch = new Float64Array(logits.length);
  const probs = scratch;
  const logZ = softmaxInto(logits, t, probs);
  // H = −Σ p·log p with log p = z/T − log Z, i.e. log Z − Σ p·z/T: no logarithm per id.
  let expected = 0;
  for (let i = 0; i < probs.length; i++) expected += probs[i]! * logits[i]!;
  const entropy = logZ - expected / t;
  const logpOf = (id: number) => logits[id]! / t - logZ;

  if (greedy) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return { id: best, logp: logpOf(best), entropy };
  }

  let candidates: number[] | null = null;
  const topK = params.topK ?? 0;
  const topP = params.topP ?? 1;
  if ((topK > 0 && topK < probs.length) || topP < 1) {
    candidates = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
    if (topK > 0) candidates = candidates.slice(0, topK);
    if (topP < 1) {
      let mass = 0;
      let keep = 0;
      while (keep < candidates.length && mass < topP) mass += probs[candidates[keep++]!]!;
      candidates = candidates.slice(0, Math.max(1, keep));
    }
  }
  if (!candidates) {
    // The whole distribution: walk the probabilities in place (they sum to 1).
    let u = rng.next();
    for (let id = 0; id < probs.length; id++) {
      u -= probs[id]!;
      if (u <= 0) return { id, logp: logpOf(id), entropy };
    }
    const last = probs.length - 1;
    return { id: last, logp: logpOf(last), entropy };
  }
  const total = candidates.reduce((sum, id) => sum + probs[id]!, 0);
  let u = rng.next() * total;
  for (const id of candidates) {
    u -= probs[id]!;
    if (u <= 0) return { id, logp: logpOf(id), entropy };
  }
  const last = candidates[candidates.length - 1]!;
  return { id: last, logp: logpOf(last), entropy };
}
