/**
 * Rollout-side math of ARPO and AEPO: how many of the k samples start from the root, and how likely a trajectory is
 * to fork after a tool call. Formulas and defaults from the spec (§2.2, §2.3, §5; decisions in §13).
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
 * ARPO (code): branch iff clip(u − γ·ΔH, 0, 1) ≤ τ with u ~ U(0, 1), so P(branch) = clip(τ + γ·ΔH, 0, 1).
 */
export function arpoBranchProbability(deltaH: number, config: BranchConfig): number {
  return clip01(config.tau + config.gamma * deltaH);
}

/**
 * AEPO: branch iff clip((u + γ·ΔH)·f, 0, 1) ≥ τ with f = max(0, 1 − penalty·l) and l the question's consecutive
 * growing iterations, so P(branch) = clip(1 − τ/f + γ·ΔH, 0, 1), and 0 once f = 0.
 */
export function aepoBranchProbability(deltaH: number, consecutive: number, config: BranchConfig): number {
  const f = Math.max(0, 1 - config.penalty * consecutive);
  if (f === 0) return 0;
  return clip01(1 - config.tau / f + config.gamma * deltaH);
}

/** The branch test itself, with the same u the probabilities above integrate over. */
export function aepoBranches(u: number, deltaH: number, consecutive: number, config: BranchConfig): boolean {
  const f = Math.max(0, 1 - config.penalty * consecutive);
  return clip01((u + config.gamma * deltaH) * f) >= config.tau;
}

export function arpoBranches(u: number, deltaH: number, config: BranchConfig): boolean {
  return clip01(u - config.gamma * deltaH) <= config.tau;
}

/**
 * AEPO's entropy pre-monitoring (§2.2): m = clamp(floor(k · σ(β·(H_root − mean H_tool))) + 1, 1, k) global samples;
 * the mean of an empty H_tool list is H_root.
 */
export function premonitorGlobalSamples(k: number, hRoot: number, hTool: readonly number[], beta: number): number {
  const meanTool = hTool.length === 0 ? hRoot : hTool.reduce((a, b) => a + b, 0) / hTool.length;
  return Math.min(k, Math.max(1, Math.floor(k * sigmoid(beta * (hRoot - meanTool))) + 1));
}

/**
 * Ĥ(segment) (§2.1, AEPO Lab decision §13): the full-vocabulary entropies (nats) of the first J generated tokens of a
 * segment, summed and divided by ln |V|. The released code truncated each distribution to its top 10 ids; we have
 * the full distributions.
 */
export function segmentEntropy(tokenEntropies: readonly number[], vocabSize: number, firstTokens = 20): number {
  return tokenEntropies.slice(0, firstTokens).reduce((a, b) => a + b, 0) / Math.log(vocabSize);
}
