/**
 * How a claim is judged (docs/study/README.md, "Verdicts"): each comparison is an improvement in the direction the
 * paper claims (AEPO minus the other arm, signed so that positive supports the claim), with its 95 % interval and a
 * Holm-corrected p over the claim's comparisons. δ is the smallest improvement that counts, stated per statistic.
 *
 * - reproduced: every comparison is an improvement, significant after Holm (p < 0.05, interval above 0);
 * - not reproduced: otherwise, where some comparison's interval lies below δ: an improvement of δ or more is ruled
 *   out (a significant change the other way among them);
 * - inconclusive at this power: anything else.
 */
import { holm } from '../../stats/tests';
import type { Interval } from '../../stats/estimates';

export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive';

export const SIGNIFICANCE = 0.05;

export interface Improvement {
  /** What AEPO (or an AEPO variant) is compared with, e.g. `grpo`. */
  against: string;
  /** In the claimed direction: positive supports the claim. */
  value: number;
  ci: Interval;
  p: number;
  /** p after Holm's correction over the claim part's comparisons. */
  pHolm: number;
}

/** Holm over one claim part's comparisons. */
export function withHolm(found: Omit<Improvement, 'pHolm'>[]): Improvement[] {
  const usable = found.filter((f) => Number.isFinite(f.p));
  const adjusted = holm(usable.map((f) => f.p));
  return found.map((f) => ({ ...f, pHolm: Number.isFinite(f.p) ? adjusted[usable.indexOf(f)]! : NaN }));
}

export function verdictOf(improvements: Improvement[], delta: number): Verdict {
  const known = improvements.filter((i) => Number.isFinite(i.value) && Number.isFinite(i.ci.high));
  if (known.length === 0) return 'inconclusive';
  if (known.length === improvements.length && known.every((i) => i.ci.low > 0 && i.pHolm < SIGNIFICANCE))
    return 'reproduced';
  return known.some((i) => i.ci.high < delta) ? 'not reproduced' : 'inconclusive';
}

/** A claim made of parts: reproduced when every part is, not reproduced when any part is not. */
export function combined(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('not reproduced')) return 'not reproduced';
  return verdicts.length > 0 && verdicts.every((v) => v === 'reproduced') ? 'reproduced' : 'inconclusive';
}

/** One line per comparison: "vs grpo: +1.2 [−0.4, 2.9], p_Holm 0.31". */
export function describeImprovement(i: Improvement, unit: string, digits = 1): string {
  const f = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(digits);
  const p = (v: number) => (v < 0.001 ? '< 0.001' : v.toFixed(3));
  return `vs ${i.against}: ${f(i.value)}${unit} [${f(i.ci.low)}, ${f(i.ci.high)}], p ${p(i.p)}, Holm ${p(i.pHolm)}`;
}
