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
  /**
   * Also report −Σ p·log p over the this-many most likely ids, plus the sampled id where it falls outside them (what
   * vLLM's top-k log-probs give the authors' code); 0: off.
   */
  topEntropyIds?: number;
}

export interface PickedToken {
  id: number;
  /** log p(id) under softmax(logits / T) before any top-k/top-p cut (T = 1 when greedy). */
  logp: number;
  /** Entropy of that same full distribution, in nats. */
  entropy: number;
  /** With `topEntropyIds`: −Σ p·log p over the most likely ids and the sampled one (not renormalised), in nats. */
  topEntropy?: number;
}

/** The top-k selection's buffer, reused like `scratch` below. */
let topScratch = new Float64Array(0);

/**
 * −Σ p·log p over the `count` largest probabilities p = weight / total (a partial selection: no full sort), and the
 * smallest of them (a sampled id below it lies outside the list).
 */
export function topEntropy(weights: Float64Array, count: number, total = 1): { entropy: number; smallest: number } {
  // The `count` largest weights, ascending, kept by insertion: one comparison for most ids, no sort, no allocation.
  if (topScratch.length !== count) topScratch = new Float64Array(count);
  const top = topScratch.fill(-1);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w <= top[0]!) continue;
    let at = 0;
    while (at + 1 < count && top[at + 1]! < w) {
      top[at] = top[at + 1]!;
      at++;
    }
    top[at] = w;
  }
  let entropy = 0;
  let smallest = Infinity;
  for (const w of top) {
    if (w < 0) continue; // fewer ids than `count`
    const p = w / total;
    if (p > 0) entropy -= p * Math.log(p);
    smallest = Math.min(smallest, p);
  }
  return { entropy, smallest: smallest === Infinity ? 0 : smallest };
}

/** The top-k entropy with the sampled id's term added when the id is not among the k (vLLM returns it as well). */
function withSampled(top: { entropy: number; smallest: number }, p: number): number {
  return p < top.smallest && p > 0 ? top.entropy - p * Math.log(p) : top.entropy;
}

/**
 * exp((logit − max)/T) into `out` (unnormalised: draws scale by their sum instead of dividing every entry), with
 * log Z and the entropy from the same pass: H = log Z − Σ p·z/T, so no logarithm per id. Two passes over the
 * vocabulary in all; sampling spent a fifth of its time here when it took four.
 */
function weightsInto(logits: Float32Array, temperature: number, out: Float64Array) {
  const inverse = 1 / temperature;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i]! - max) * inverse);
    out[i] = e;
    sum += e;
    weighted += e * logits[i]!;
  }
  const logZ = max * inverse + Math.log(sum);
  return { sum, logZ, entropy: logZ - (weighted / sum) * inverse };
}

/** Reused across calls: sampling runs once per token, and a fresh array each time is pure garbage-collector work. */
let scratch = new Float64Array(0);

export function pickToken(logits: Float32Array, params: SamplingParams, rng: Rng): PickedToken {
  const temperature = params.temperature ?? 1;
  const greedy = temperature <= 0;
  const t = greedy ? 1 : temperature;
  if (scratch.length !== logits.length) scratch = new Float64Array(logits.length);
  const weights = scratch;
  const { sum, logZ, entropy } = weightsInto(logits, t, weights);
  const logpOf = (id: number) => logits[id]! / t - logZ;
  const top = params.topEntropyIds ? topEntropy(weights, params.topEntropyIds, sum) : undefined;
  const picked = (id: number): PickedToken =>
    top === undefined
      ? { id, logp: logpOf(id), entropy }
      : { id, logp: logpOf(id), entropy, topEntropy: withSampled(top, weights[id]! / sum) };

  if (greedy) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return picked(best);
  }

  let candidates: number[] | null = null;
  const topK = params.topK ?? 0;
  const topP = params.topP ?? 1;
  if ((topK > 0 && topK < weights.length) || topP < 1) {
    candidates = Array.from(weights.keys()).sort((a, b) => weights[b]! - weights[a]! || a - b);
    if (topK > 0) candidates = candidates.slice(0, topK);
    if (topP < 1) {
      let mass = 0;
      let keep = 0;
      while (keep < candidates.length && mass < topP * sum) mass += weights[candidates[keep++]!]!;
      candidates = candidates.slice(0, Math.max(1, keep));
    }
  }
  if (!candidates) {
    // The whole distribution: walk the weights in place (they sum to `sum`).
    let u = rng.next() * sum;
    for (let id = 0; id < weights.length; id++) {
      u -= weights[id]!;
      if (u <= 0) return picked(id);
    }
    return picked(weights.length - 1);
  }
  const total = candidates.reduce((mass, id) => mass + weights[id]!, 0);
  let u = rng.next() * total;
  for (const id of candidates) {
    u -= weights[id]!;
    if (u <= 0) return picked(id);
  }
  return picked(candidates[candidates.length - 1]!);
}
