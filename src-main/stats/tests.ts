/**
 * Significance for paired differences: the sign-flip (paired permutation) test and Holm's step-down correction.
 * docs/statistics.md explains why these and not a t-test: item scores are bounded and skewed, and a table makes many
 * comparisons at once.
 */
import type { Rng } from '../model/rng';

/** Up to this many non-zero terms the test enumerates every sign pattern (2^16 = 65,536, by Gray code). */
export const EXACT_UP_TO = 16;
/** Beyond it, this many random sign patterns. */
export const SIGN_FLIPS = 10_000;

/**
 * Two-sided p-value of H0 "each term is as likely positive as negative" for T = Σ terms: the share of sign patterns
 * whose |T| reaches the observed one. Exact when there are at most 16 non-zero terms, else Monte Carlo with the
 * observed pattern counted, p = (1 + hits) / (1 + flips). No non-zero term: p = 1.
 */
export function signFlipTest(terms: readonly number[], rng: Rng): number {
  const nonZero = terms.filter((t) => t !== 0);
  const n = nonZero.length;
  if (n === 0) return 1;
  const observed = Math.abs(nonZero.reduce((a, b) => a + b, 0));
  // Sums are compared with a tolerance: the same sum reached in another order can differ in its last bits.
  const reaches = (sum: number) => Math.abs(sum) >= observed * (1 - 1e-12) - 1e-12;
  if (n <= EXACT_UP_TO) {
    // Gray code: pattern g flips one sign from pattern g−1, so each sum costs one addition.
    let sum = nonZero.reduce((a, b) => a + b, 0);
    let hits = reaches(sum) ? 1 : 0;
    const signs = new Int8Array(n).fill(1);
    const patterns = 2 ** n;
    for (let g = 1; g < patterns; g++) {
      const bit = 31 - Math.clz32(g & -g);
      sum -= 2 * signs[bit]! * nonZero[bit]!;
      signs[bit] = -signs[bit]! as 1 | -1;
      if (reaches(sum)) hits++;
    }
    return hits / patterns;
  }
  // Monte Carlo in chunks of 8 terms: each chunk's 256 signed sums precomputed, so a flip costs n / 8 lookups,
  // one random byte each (4 per 32-bit draw).
  const chunks = Math.ceil(n / 8);
  const sums = new Float64Array(chunks * 256);
  for (let c = 0; c < chunks; c++)
    for (let mask = 0; mask < 256; mask++) {
      let sum = 0;
      for (let j = 0; j < 8 && c * 8 + j < n; j++) sum += (mask >>> j) & 1 ? -nonZero[c * 8 + j]! : nonZero[c * 8 + j]!;
      sums[c * 256 + mask] = sum;
    }
  let hits = 0;
  for (let f = 0; f < SIGN_FLIPS; f++) {
    let sum = 0;
    let bits = 0;
    for (let c = 0; c < chunks; c++) {
      if (c % 4 === 0) bits = Math.floor(rng.next() * 4294967296);
      sum += sums[c * 256 + ((bits >>> (8 * (c % 4))) & 255)]!;
    }
    if (reaches(sum)) hits++;
  }
  return (1 + hits) / (1 + SIGN_FLIPS);
}

/**
 * Holm's step-down adjusted p-values (family-wise error control, no assumption on dependence): sorted ascending,
 * p_(i) × (m − i + 1), made monotone, capped at 1; returned in the input's order.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, p * (m - rank)));
    adjusted[i] = running;
  });
  return adjusted;
}
