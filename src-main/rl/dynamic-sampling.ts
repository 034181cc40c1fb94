/**
 * DAPO's batch shaping (docs/algorithms.md, "DAPO"): overlong reward shaping over the rollout's response budget, and
 * dynamic sampling, which keeps only question groups whose unshaped reward varies and rolls out fresh questions until
 * the batch is full again.
 */
import type { OverlongShaping } from './types';

/**
 * 0 up to (1 − bufferFraction)·budget response tokens, then down linearly to −penalty at the budget. DAPO: a
 * 20,480-token budget with a 4,096-token buffer, i.e. a fifth of it.
 */
export function overlongPenalty(length: number, budget: number, shaping: OverlongShaping | null): number {
  if (!shaping) return 0;
  const buffer = Math.max(1, Math.round(budget * shaping.bufferFraction));
  const start = budget - buffer;
  if (length <= start) return 0;
  return -shaping.penalty * Math.min(1, (length - start) / buffer);
}

interface Judged {
  group: number;
  /**
   * The reward before overlong shaping: what DAPO's filter looks at. On a binary reward its variance is non-zero
   * exactly when accuracy varies; on an F1 reward a group where F1 varies but nobody is exactly right is kept too, as
   * its advantages are not zero.
   */
  unshaped: number;
}

/** The samples of groups whose unshaped reward has non-zero variance (a group of equal rewards teaches nothing). */
export function informativeGroups<T extends Judged>(samples: T[]): T[] {
  const outcomes = new Map<number, Set<number>>();
  for (const s of samples) outcomes.set(s.group, (outcomes.get(s.group) ?? new Set()).add(s.unshaped));
  return samples.filter((s) => outcomes.get(s.group)!.size > 1);
}

/** The samples of the first `count` groups (in order of appearance): DAPO trims the refilled batch to its size. */
export function firstGroups<T extends { group: number }>(samples: T[], count: number): T[] {
  const chosen = new Set<number>();
  for (const s of samples) if (chosen.size < count) chosen.add(s.group);
  return samples.filter((s) => chosen.has(s.group));
}
