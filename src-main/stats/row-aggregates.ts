/**
 * IQM and the performance profile of one row over its run × benchmark scores, with rliable's stratified bootstrap
 * (runs drawn within each benchmark; here each benchmark's items too). docs/statistics.md.
 */
import { interquartileMean, interquartileMeanOfSorted, performanceProfile } from './aggregates';
import { intervalOf, seedMeans, type Block, type BootstrapSettings, type Interval } from './estimates';
import { countInterval, drawCounts, namedRng } from './resample';

/** Thresholds of the performance profile: every score in percent. */
export const PROFILE_THRESHOLDS = Array.from({ length: 101 }, (_, i) => i);

export interface RowAggregates {
  /** Interquartile mean over run × benchmark scores. */
  iqm: number;
  iqmCi: Interval;
  /** Per threshold τ (PROFILE_THRESHOLDS), the share of run × benchmark scores above τ, with its 95 % band. */
  profile: { value: number; low: number; high: number }[];
}

/**
 * IQM and performance profile of one row over its benchmarks, each block one benchmark. The bootstrap is stratified
 * as rliable's: runs (seeds) are drawn within each benchmark, and here items too.
 */
export function rowAggregates(blocks: Block[], settings: BootstrapSettings, name: string): RowAggregates {
  const runs = blocks.reduce((n, b) => n + b.seeds.length, 0);
  const observed = blocks.flatMap((b) => [...seedMeans(b, null, new Float64Array(b.seeds.length))]);
  const rng = namedRng(settings.seed, `aggregate:${name}`);
  const seedCounts = blocks.map((b) => new Float64Array(b.seeds.length));
  const itemCounts = blocks.map((b) => new Float64Array(b.items.length));
  const means = blocks.map((b) => new Float64Array(b.seeds.length));
  const drawn = new Float64Array(runs);
  const iqms = new Float64Array(settings.resamples);
  // Per threshold and draw, how many of the drawn run scores lie above it.
  const above = PROFILE_THRESHOLDS.map(() => new Int32Array(settings.resamples));
  for (let r = 0; r < iqms.length; r++) {
    let w = 0;
    blocks.forEach((block, k) => {
      drawCounts(rng, seedCounts[k]!);
      seedMeans(block, drawCounts(rng, itemCounts[k]!), means[k]!);
      means[k]!.forEach((m, s) => {
        for (let c = seedCounts[k]![s]!; c > 0; c--) drawn[w++] = m;
      });
    });
    drawn.sort();
    iqms[r] = interquartileMeanOfSorted(drawn);
    let below = 0;
    PROFILE_THRESHOLDS.forEach((tau, t) => {
      while (below < runs && drawn[below]! <= tau) below++;
      above[t]![r] = runs - below;
    });
  }
  const profile = performanceProfile(observed, PROFILE_THRESHOLDS).map((value, t) => {
    const [low, high] = countInterval(above[t]!, runs);
    return { value, low: low / runs, high: high / runs };
  });
  return { iqm: interquartileMean(observed), iqmCi: intervalOf(iqms), profile };
}
