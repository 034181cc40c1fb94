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

/** H̄_tool: the mean Ĥ over the pilot's segments; H_root when it has none (the released code's fallback). */
export function meanToolEntropy(hRoot: number, hTool: readonly number[]): number {
  return hTool.length === 0 ? hRoot : hTool.reduce((a, b) => a + b, 0) / hTool.length;
}

/**
 * AEPO's entropy pre-monitoring: m = clamp(floor(k · σ(β·(H_root − mean H_tool))) + 1, 1, k) global samples;
 * the mean of an empty H_tool list is H_root.
 */
export function premonitorGlobalSamples(k: number, hRoot: number, hTool: readonly number[], beta: number): number {
  const meanTool = meanToolEntropy(hRoot, hTool);
  return Math.min(k, Math.max(1, Math.floor(k * sigmoid(beta * (hRoot - meanTool))) + 1));
}

/**
 * How a segment's entropy Ĥ is measured (docs/algorithms.md, "Segment entropy"). "Top-10 entropy" is a token's
 * −Σ p·log p over its 10 most likely ids plus the sampled id where it falls outside them, not renormalised (what
 * vLLM's top-10 log-probs gave the authors' code).
 * - `released-scale` (default): J / ln 151,665 × the mean top-10 entropy of the first min(J, n) generated tokens:
 *   the released Ĥ for a segment of J tokens or more, the same scale below (no length artefact), whatever this
 *   model's vocabulary;
 * - `released-top10`: the released code's form as written: top-10 entropies summed over the first J tokens, ÷ ln |V|
 *   of this model's vocabulary (exact replication; on short segments it mostly measures their length);
 * - `mean-normalized`: the mean full-distribution entropy of the first J tokens ÷ ln |V|, in [0, 1] (AEPO Lab 0.2's
 *   default; about 11× weaker on P than the released scale at |V| = 600);
 * - `sum-normalized`: AEPO Lab 0.1's form (full entropies summed, ÷ ln |V|): grows with the segment's length.
 */
export const SEGMENT_ENTROPY_FORMS = ['released-scale', 'released-top10', 'mean-normalized', 'sum-normalized'] as const;
export type SegmentEntropyForm = (typeof SEGMENT_ENTROPY_FORMS)[number];

/** ln |V| of the vocabulary the authors trained with (Qwen's 151,665 ids): the released code's divisor. */
export const RELEASED_LOG_VOCAB = Math.log(151_665);

/** Whether a form reads the top-10 entropy, which the sampler then has to report. */
export const usesTopEntropy = (form: SegmentEntropyForm): boolean =>
  form === 'released-scale' || form === 'released-top10';

export interface TokenEntropies {
  /** Full-distribution entropy, nats. */
  entropy: number;
  /** Top-10 entropy (present when the sampler was asked for it), nats. */
  topEntropy?: number;
}

export function measureSegmentEntropy(
  tokens: readonly TokenEntropies[],
  vocabSize: number,
  firstTokens: number,
  form: SegmentEntropyForm,
): number {
  const first = tokens.slice(0, firstTokens);
  if (first.length === 0) return 0;
  const top = (t: TokenEntropies) => t.topEntropy ?? t.entropy;
  if (form === 'released-scale')
    return (firstTokens * first.reduce((sum, t) => sum + top(t), 0)) / first.length / RELEASED_LOG_VOCAB;
  const logV = Math.log(vocabSize);
  if (form === 'released-top10') return first.reduce((sum, t) => sum + top(t), 0) / logV;
  const sum = first.reduce((total, t) => total + t.entropy, 0);
  return form === 'sum-normalized' ? sum / logV : sum / first.length / logV;
}
