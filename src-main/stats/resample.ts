/**
 * The pieces every bootstrap here shares: a generator seeded from a name (so a cell's draws depend on the table's
 * seed and the cell, never on the order cells are computed in), multinomial draw counts, and percentiles.
 * docs/statistics.md explains the method.
 */
import { Rng } from '../model/rng';

/** A generator for one named computation: FNV-1a of the name, mixed with the table's bootstrap seed. */
export function namedRng(seed: number, name: string): Rng {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return new Rng(hash >>> 0);
}

/** n draws with replacement from n things, as counts per thing (written into `counts`). */
export function drawCounts(rng: Rng, counts: Float64Array): Float64Array {
  counts.fill(0);
  const n = counts.length;
  for (let j = 0; j < n; j++) counts[Math.floor(rng.next() * n)]!++;
  return counts;
}

/** The q-quantile of ascending values, linearly interpolated (R's type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** The 95 % percentile interval of bootstrap replicates. */
export function percentileInterval(replicates: Float64Array): [number, number] {
  const sorted = Float64Array.from(replicates).sort();
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}

/**
 * The same interval for whole numbers in 0..max (a profile's counts), by counting instead of sorting: the type-7
 * quantile reads the values at two ranks of the implicit sorted order.
 */
export function countInterval(values: Int32Array, max: number): [number, number] {
  const histogram = new Int32Array(max + 1);
  for (const v of values) histogram[v]!++;
  const atRank = (rank: number) => {
    let seen = 0;
    for (let v = 0; v <= max; v++) {
      seen += histogram[v]!;
      if (seen > rank) return v;
    }
    return max;
  };
  const quantile = (q: number) => {
    const at = (values.length - 1) * q;
    const low = atRank(Math.floor(at));
    return low + (atRank(Math.min(values.length - 1, Math.floor(at) + 1)) - low) * (at - Math.floor(at));
  };
  return [quantile(0.025), quantile(0.975)];
}

export const mean = (xs: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
};
