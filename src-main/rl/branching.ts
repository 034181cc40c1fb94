/**
 * Rollout-side math of ARPO and AEPO: how many of the k samples start from the root, and how likely a trajectory is
 * to fork after a tool call, and how a segment's entropy is measured. Formulas, defaults and the choices made where the
 * paper and the released code differ: docs/algorithms.md.
 */

export interface BranchConfig {
  /** τ: branch when the score reaches it (0.5). */
  tau: number;
  /** γ: weight of the entropy rise ΔH (0.2). */
  gamma: number;
  /** AEPO's consecutive-branch penalty per iteration (0.05); unused by ARPO. */
  penalty: number;
}

export const DEFAULT_BRANCH_CONFIG: BranchConfig = { tau: 0.5, gamma: 0.2, penalty: 0.05 };

const clip01 = (x: number) => Math.min(1, Math.max(0, x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * ARPO (released code): branch iff clip(u − γ·ΔH, 0, 1) ≤ τ with u ~ U(0, 1). Its probability, exactly (edges
 * included): 1 when τ ≥ 1, else clip(τ + γ·ΔH, 0, 1). The engine branches iff u < this, so test and probability are
 * one function.
 */
export function arpoBranchProbability(deltaH: number, config: BranchConfig): number {
  if (config.tau >= 1) return 1;
  return clip01(config.tau + config.gamma * deltaH);
}

/**
 * AEPO: branch iff clip((u + γ·ΔH)·f, 0, 1) ≥ τ with f = max(0, 1 − penalty·l) and l the question's consecutive
 * growing iterations. Its probability, exactly: 1 when τ ≤ 0 (the clipped score is never below 0), 0 when τ > 1 or
 * f = 0, else clip(1 − τ/f + γ·ΔH, 0, 1). The engine branches iff u < this.
 */
export function aepoBranchProbability(deltaH: number, consecutive: number, config: BranchConfig): number {
  if (config.tau <= 0) return 1;
  const f = Math.max(0, 1 - config.penalty * consecutive);
  if (f === 0 || config.tau > 1) return 0;
  return clip01(1 - config.tau / f + config.gamma * deltaH);
}

/**
 * AEPO's entropy pre-monitoring: m = clamp(floor(k · σ(β·(H_root − mean H_tool))) + 1, 1, k) global samples;
 * the mean of an empty H_tool list is H_root.
 */
export function premonitorGlobalSamples(k: number, hRoot: number, hTool: readonly number[], beta: number): number {
  const meanTool = hTool.length === 0 ? hRoot : hTool.reduce((a, b) => a + b, 0) / hTool.length;
  return Math.min(k, Math.max(1, Math.floor(k * sigmoid(beta * (hRoot - meanTool))) + 1));
}

/**
 * How a segment's entropy Ĥ is measured (docs/algorithms.md, "Segment entropy"):
 * - `mean-normalized` (default): the mean of the first J generated tokens' full-distribution entropies, ÷ ln |V|, so
 *   Ĥ lies in [0, 1] whatever the segment's length or the vocabulary;
 * - `released-top10`: the released code's form: per token −Σ p·log p over its 10 most likely ids, summed over the
 *   first J tokens, ÷ ln |V|;
 * - `sum-normalized`: AEPO Lab 0.1's form (full entropies summed, ÷ ln |V|): grows with the segment's length, so ΔH
 *   mostly tracked length; kept to compare against.
 */
export const SEGMENT_ENTROPY_FORMS = ['mean-normalized', 'released-top10', 'sum-normalized'] as const;
export type SegmentEntropyForm = (typeof SEGMENT_ENTROPY_FORMS)[number];

export interface TokenEntropies {
  /** Full-distribution entropy, nats. */
  entropy: number;
  /** Entropy over the 10 most likely ids only (present when the sampler was asked for it). */
  topEntropy?: number;
}

export function segmentEntropy(
  tokens: readonly TokenEntropies[],
  vocabSize: number,
  firstTokens: number,
  form: SegmentEntropyForm,
): number {
  const first = tokens.slice(0, firstTokens);
  if (first.length === 0) return 0;
  const logV = Math.log(vocabSize);
  if (form === 'released-top10') return first.reduce((sum, t) => sum + (t.topEntropy ?? t.entropy), 0) / logV;
  const sum = first.reduce((total, t) => total + t.entropy, 0);
  return form === 'sum-normalized' ? sum / logV : sum / first.length / logV;
}
