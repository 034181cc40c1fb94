/**
 * Advantage estimators, each named after its formula. All return [B][T] per-token advantages, 0 outside the loss
 * mask (as verl multiplies by the response mask).
 */
import type { AdvantageInput } from './types';

export const GRPO_EPS = 1e-6;

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Unbiased (n − 1) standard deviation; 0 for fewer than two values. */
export function unbiasedStd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Spreads one value per sequence over its loss tokens. */
export function broadcast(perSequence: number[], mask: number[][]): number[][] {
  return mask.map((row, b) => row.map((m) => (m ? perSequence[b]! : 0)));
}

/** GRPO: Â_i = (R_i − mean_group R) / (std_group R + 1e-6), the same for every token of sequence i. */
export function grpoOutcomeAdvantage(rewards: number[], groups: (string | number)[]): number[] {
  const byGroup = new Map<string | number, number[]>();
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), rewards[i]!]));
  return rewards.map((r, i) => {
    const members = byGroup.get(groups[i]!)!;
    return (r - mean(members)) / (unbiasedStd(members) + GRPO_EPS);
  });
}

export function grpoAdvantage(input: AdvantageInput): number[][] {
  return broadcast(grpoOutcomeAdvantage(input.rewards, input.groups), input.mask);
}
