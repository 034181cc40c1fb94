/**
 * Metric-series math shared by the charts and the exports: smoothing computed on the full series, then downsampling
 * for display. Plain functions over arrays, no imports, so the renderer, the CLI and the benches use the same code.
 */

/**
 * Exponential moving average with bias correction (as TensorBoard and W&B do it): the first points are not pulled
 * towards 0, and the result depends on the series, never on how it is later sampled for display. null stays null.
 */
export function emaDebiased(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return [...values];
  let ema = 0;
  let seen = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    seen++;
    ema = weight * ema + (1 - weight) * v;
    return ema / (1 - weight ** seen);
  });
}

/**
 * Which points to draw for `buckets` pixel columns: each column's minimum and maximum (in x order), and always the
 * first and last point in range, so spikes and ends survive. `from`/`to` limit the x range (a zoom). Indices, so
 * several series over the same x (raw and smoothed) stay aligned.
 */
export function downsampleIndices(
  x: readonly number[],
  y: readonly (number | null)[],
  buckets: number,
  from = -Infinity,
  to = Infinity,
): number[] {
  let start = 0;
  while (start < x.length && x[start]! < from) start++;
  let end = x.length;
  while (end > start && x[end - 1]! > to) end--;
  if (end - start <= 2 * buckets) return Array.from({ length: end - start }, (_, k) => start + k);
  const out: number[] = [start];
  const first = x[start]!;
  const width = (x[end - 1]! - first) / buckets || 1;
  let i = start + 1;
  for (let b = 0; b < buckets && i < end - 1; b++) {
    const limit = first + (b + 1) * width;
    let lo = -1;
    let hi = -1;
    for (; i < end - 1 && (x[i]! <= limit || b === buckets - 1); i++) {
      const v = y[i];
      if (v === null || v === undefined) continue;
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    if (lo >= 0) for (const k of lo <= hi ? [lo, hi] : [hi, lo]) if (k !== out.at(-1)) out.push(k);
  }
  if (end - 1 !== out.at(-1)) out.push(end - 1);
  return out;
}

export interface Downsampled {
  x: number[];
  y: (number | null)[];
}

/** downsampleIndices applied to one series. */
export function downsampleMinMax(
  x: readonly number[],
  y: readonly (number | null)[],
  buckets: number,
  from = -Infinity,
  to = Infinity,
): Downsampled {
  const keep = downsampleIndices(x, y, buckets, from, to);
  return { x: keep.map((i) => x[i]!), y: keep.map((i) => y[i]!) };
}

/** One step of a group of runs: the mean over the runs that have it, and a 95 % band (null with a single run). */
export interface BandPoint {
  mean: number | null;
  low: number | null;
  high: number | null;
  runs: number;
}

/**
 * The mean over runs (seeds) per step with a 95 % bootstrap band of that mean, as Aim draws grouped curves: at each
 * step, the runs that have a value there are resampled with replacement `resamples` times, and the band is the
 * 2.5th to 97.5th percentile of the resampled means. Seeded (mulberry32, seed 1), so the same series always draw the
 * same band. `columns[r][i]` is run r's value at step i (null: none).
 */
export function seedBand(columns: readonly (readonly (number | null)[])[], resamples = 1000): BandPoint[] {
  let state = 1;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const length = Math.max(0, ...columns.map((c) => c.length));
  const means = new Float64Array(resamples);
  return Array.from({ length }, (_, i) => {
    const values = columns
      .map((c) => c[i])
      .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
    const n = values.length;
    if (n === 0) return { mean: null, low: null, high: null, runs: 0 };
    const mean = values.reduce((a, b) => a + b, 0) / n;
    if (n === 1) return { mean, low: null, high: null, runs: 1 };
    for (let r = 0; r < resamples; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += values[Math.floor(random() * n)]!;
      means[r] = sum / n;
    }
    const sorted = Float64Array.from(means).sort();
    const at = (q: number) => {
      const x = (resamples - 1) * q;
      const lo = Math.floor(x);
      return sorted[lo]! + (sorted[Math.min(resamples - 1, lo + 1)]! - sorted[lo]!) * (x - lo);
    };
    return { mean, low: at(0.025), high: at(0.975), runs: n };
  });
}
