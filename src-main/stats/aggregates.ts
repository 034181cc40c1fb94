/**
 * Aggregates across benchmarks in the manner of rliable (Agarwal et al. 2021): the interquartile mean, the
 * probability of improvement, and the performance profile. docs/statistics.md gives the definitions.
 */

/** Mean of the middle half: a quarter of the values (rounded down) trimmed from each end, as scipy's trim_mean(0.25). */
export function interquartileMean(values: readonly number[]): number {
  return interquartileMeanOfSorted([...values].sort((a, b) => a - b));
}

/** The same on values already in ascending order. */
export function interquartileMeanOfSorted(sorted: ArrayLike<number>): number {
  if (sorted.length === 0) return NaN;
  const cut = Math.floor(sorted.length * 0.25);
  let sum = 0;
  for (let i = cut; i < sorted.length - cut; i++) sum += sorted[i]!;
  return sum / (sorted.length - 2 * cut);
}

/**
 * P(X > Y) on one benchmark from the runs of each (the Mann–Whitney statistic over all pairs, ties counting ½):
 * rliable's probability of improvement. Optional weights count a run that many times (a bootstrap draw's counts).
 * Averaged over benchmarks by the caller.
 */
export function probabilityOfImprovement(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xWeights?: ArrayLike<number>,
  yWeights?: ArrayLike<number>,
): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = 0; j < y.length; j++) {
      const w = (xWeights ? xWeights[i]! : 1) * (yWeights ? yWeights[j]! : 1);
      sum += w * (x[i]! > y[j]! ? 1 : x[i]! === y[j]! ? 0.5 : 0);
      total += w;
    }
  return sum / total;
}

/** The performance profile: per threshold τ, the share of scores strictly above it. */
export function performanceProfile(scores: readonly number[], thresholds: readonly number[]): number[] {
  return thresholds.map((tau) => scores.filter((s) => s > tau).length / scores.length);
}
