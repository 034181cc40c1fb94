/**
 * Answer metrics: SQuAD token F1 and exact match over alias lists, math-answer equivalence (grading/), and the
 * unbiased pass@k estimator. All return fractions in [0, 1]; reports turn them into percentages.
 */

/** Python's string.punctuation: the official script removes these (ASCII) characters and keeps every other one. */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
/** Python's `\b(a|an|the)\b` on a str: word characters are Unicode letters, digits and the underscore. */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * SQuAD normalisation exactly as the official evaluation script does it: lower case, punctuation removed (not
 * replaced by a space: `U.S.` → `us`, `1,000` → `1000`), articles removed, whitespace collapsed.
 */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(ASCII_PUNCTUATION, '')
    .replace(ARTICLES, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

export function exactMatch(prediction: string, golds: readonly string[]): number {
  const p = normalizeAnswer(prediction);
  return golds.some((g) => normalizeAnswer(g) === p) ? 1 : 0;
}

/** SQuAD token F1, maximised over the gold aliases; yes/no/noanswer must match exactly. */
export function tokenF1(prediction: string, golds: readonly string[]): number {
  const predicted = normalizeAnswer(prediction);
  let best = 0;
  for (const gold of golds) {
    const truth = normalizeAnswer(gold);
    if (['yes', 'no', 'noanswer'].some((s) => s === predicted || s === truth) && predicted !== truth) continue;
    const p = predicted.split(' ').filter(Boolean);
    const g = truth.split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
    let common = 0;
    for (const w of p) {
      const n = counts.get(w) ?? 0;
      if (n > 0) {
        common++;
        counts.set(w, n - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / p.length;
    const recall = common / g.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

export { lastBoxed } from './grading/extract';
export { gradeMath, mathEquivalent } from './grading/math-grader';

/** Unbiased pass@k from n samples of which c are correct (Chen et al., 2021): 1 − C(n−c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples, got ${n}`);
  if (n - c < k) return 1;
  let ratio = 1;
  for (let i = n - c + 1; i <= n; i++) ratio *= 1 - k / i;
  return 1 - ratio;
}

/**
 * The unbiased expected best score among k of an item's n samples drawn without replacement: with the scores sorted
 * ascending, Σ_{i ≥ k} s_(i) · C(i − 1, k − 1) / C(n, k) (the i-th smallest is the best of a k-subset in C(i − 1, k − 1)
 * of the C(n, k) subsets). On 0/1 scores it is `passAtK`; on F1 scores it puts Pass@k on Pass@1's scale (mean F1 at
 * k = 1), so Pass@k is never below Pass@1.
 */
export function expectedBestOfK(scores: readonly number[], k: number): number {
  const n = scores.length;
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples, got ${n}`);
  const sorted = [...scores].sort((a, b) => a - b);
  // weight(i) = C(i − 1, k − 1) / C(n, k) for the 1-based rank i, from weight(n) = k / n down by ratios.
  let weight = k / n;
  let total = 0;
  for (let i = n; i >= k; i--) {
    total += sorted[i - 1]! * weight;
    weight *= (i - k) / (i - 1);
  }
  return total;
}
