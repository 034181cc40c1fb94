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
