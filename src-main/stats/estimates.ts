/**
 * The results table's estimators over per-item scores: each column's two-level bootstrap interval for a row, and
 * a paired comparison of two rows (difference with its interval, sign-flip p, probability of improvement); IQM and
 * the performance profile are in row-aggregates.ts. Every test item is scored by every seed of a row (items are crossed with seeds), so one
 * bootstrap draw resamples the seeds and then the items once, the same items for every seed: item noise does not
 * average out over seeds, and the interval says so. docs/statistics.md has the method and its checks.
 */
import { probabilityOfImprovement } from './aggregates';
import { drawCounts, namedRng, percentileInterval } from './resample';
import { signFlipTest } from './tests';

/** One row's scores on one benchmark: per seed (in `seeds` order), the value of each item on the metric's scale. */
export interface Block {
  benchmark: string;
  seeds: number[];
  /** Item indices, ascending; `values[s][i]` is seed s's value on item `items[i]` (an item's samples in one value). */
  items: number[];
  values: Float64Array[];
}

export interface BootstrapSettings {
  /** Seeds the resampling: the same data and seed give the same bytes. */
  seed: number;
  resamples: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface PairedComparison {
  /** Row minus reference, on the items and seeds both have. */
  difference: number;
  ci: Interval;
  /** Two-sided sign-flip p-value, before correction. */
  p: number;
  /** P(row > reference) over runs (rliable), with its interval. */
  improvement: number;
  improvementCi: Interval;
  /** Items behind the comparison, over the column's benchmarks. */
  items: number;
}

/** Per seed, the mean over items, each item weighted by how often the draw took it (null: every item once). */
export function seedMeans(block: Block, itemCounts: Float64Array | null, out: Float64Array): Float64Array {
  const n = block.items.length;
  block.values.forEach((row, s) => {
    let sum = 0;
    if (itemCounts) for (let i = 0; i < n; i++) sum += itemCounts[i]! * row[i]!;
    else for (let i = 0; i < n; i++) sum += row[i]!;
    out[s] = sum / n;
  });
  return out;
}

/** A column's value: the mean over (drawn) seeds of the mean over the column's benchmarks. */
function columnValue(means: Float64Array[], group: Group, seedCounts: Float64Array | null): number {
  const seeds = means[group[0]!]!.length;
  let total = 0;
  for (let s = 0; s < seeds; s++) {
    let sum = 0;
    for (const b of group) sum += means[b]![s]!;
    total += (seedCounts ? seedCounts[s]! : 1) * (sum / group.length);
  }
  return total / seeds;
}

export const intervalOf = (replicates: Float64Array): Interval => {
  const [low, high] = percentileInterval(replicates);
  return { low, high };
};

/** A column: indices into a row's per-benchmark blocks, the benchmarks it averages. */
export type Group = number[];

/**
 * One replicate loop for every column of a row (or a pair of rows): per draw, the seeds once and each benchmark's
 * items once, so a family or overall average is the average of the very draws its benchmarks' cells used.
 * `visit(r, itemCounts, seedCounts)` gets draw r: per benchmark how often each item was drawn, per seed how often.
 */
function replicates(
  blocks: (Block | null)[],
  settings: BootstrapSettings,
  name: string,
  visit: (r: number, itemCounts: (Float64Array | null)[], seedCounts: Float64Array) => void,
): void {
  const rng = namedRng(settings.seed, name);
  const seeds = blocks.find((b) => b !== null)?.seeds.length ?? 0;
  const seedCounts = new Float64Array(seeds);
  const itemCounts = blocks.map((b) => (b ? new Float64Array(b.items.length) : null));
  for (let r = 0; r < settings.resamples; r++) {
    drawCounts(rng, seedCounts);
    for (const counts of itemCounts) if (counts) drawCounts(rng, counts);
    visit(r, itemCounts, seedCounts);
  }
}

const usable = (blocks: (Block | null)[], group: Group) => group.every((b) => blocks[b] !== null);

/**
 * The 95 % interval of each column of one row: `blocks` per benchmark (null: no per-item verdicts), all with the
 * row's seeds; a column with an unusable benchmark gets none.
 */
export function columnIntervals(
  blocks: (Block | null)[],
  groups: Group[],
  settings: BootstrapSettings,
  name: string,
): (Interval | null)[] {
  const means = blocks.map((b) => new Float64Array(b?.seeds.length ?? 0));
  const draws = groups.map(() => new Float64Array(settings.resamples));
  replicates(blocks, settings, `cell:${name}`, (r, itemCounts, seedCounts) => {
    blocks.forEach((b, k) => b && seedMeans(b, itemCounts[k]!, means[k]!));
    groups.forEach((group, g) => {
      if (usable(blocks, group)) draws[g]![r] = columnValue(means, group, seedCounts);
    });
  });
  return groups.map((group, g) => (usable(blocks, group) ? intervalOf(draws[g]!) : null));
}

/**
 * The sign-flip p-value of row − reference on aligned blocks: each item's difference of seed means is one term,
 * weighted as the column weighs it (1 / (items × benchmarks)), and H0 flips each term's sign.
 */
export function pairedTestP(row: Block[], reference: Block[], settings: BootstrapSettings, name: string): number {
  const mean = (b: Block, i: number) => b.values.reduce((s, v) => s + v[i]!, 0) / b.values.length;
  const terms = row.flatMap((block, k) =>
    block.items.map((_, i) => (mean(block, i) - mean(reference[k]!, i)) / (block.items.length * row.length)),
  );
  return signFlipTest(terms, namedRng(settings.seed, `flip:${name}`));
}

const sameSeeds = (a: number[], b: number[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/**
 * A row against the reference on every column. `row[k]` and `reference[k]` cover benchmark k on the same items (null:
 * not both have per-item verdicts there). Seeds are paired when both rows have the same ones (same base checkpoint
 * and question order per seed) and drawn independently otherwise; items are always paired. `pOf(g)` gives column
 * g's test p-value (the caller caches the tests the bold rule shares).
 */
export function pairedColumns(
  row: (Block | null)[],
  reference: (Block | null)[],
  groups: Group[],
  settings: BootstrapSettings,
  name: string,
  pOf: (g: number) => number | null,
): (PairedComparison | null)[] {
  const testable = groups.map((group) => usable(row, group) && usable(reference, group));
  const first = row.find((b) => b !== null);
  const firstReference = reference.find((b) => b !== null);
  if (!first || !firstReference || !testable.some(Boolean)) return groups.map(() => null);
  const paired = sameSeeds(first.seeds, firstReference.seeds);
  const x = row.map((b) => new Float64Array(b?.seeds.length ?? 0));
  const y = reference.map((b) => new Float64Array(b?.seeds.length ?? 0));
  const improvementOf = (group: Group, xCounts?: Float64Array, yCounts?: Float64Array) =>
    group.reduce((sum, b) => sum + probabilityOfImprovement(x[b]!, y[b]!, xCounts, yCounts), 0) / group.length;
  row.forEach((b, k) => b && reference[k] && (seedMeans(b, null, x[k]!), seedMeans(reference[k], null, y[k]!)));
  const observed = groups.map((group, g) =>
    testable[g]
      ? { difference: columnValue(x, group, null) - columnValue(y, group, null), improvement: improvementOf(group) }
      : null,
  );

  const differences = groups.map(() => new Float64Array(settings.resamples));
  const improvements = groups.map(() => new Float64Array(settings.resamples));
  const rng = namedRng(settings.seed, `reference-seeds:${name}`);
  const referenceCounts = new Float64Array(firstReference.seeds.length);
  replicates(row, settings, `pair:${name}`, (r, itemCounts, seedCounts) => {
    if (paired) referenceCounts.set(seedCounts);
    else drawCounts(rng, referenceCounts);
    row.forEach((b, k) => {
      if (!b || !reference[k]) return;
      seedMeans(b, itemCounts[k]!, x[k]!);
      seedMeans(reference[k], itemCounts[k]!, y[k]!);
    });
    groups.forEach((group, g) => {
      if (!testable[g]) return;
      differences[g]![r] = columnValue(x, group, seedCounts) - columnValue(y, group, referenceCounts);
      improvements[g]![r] = improvementOf(group, seedCounts, referenceCounts);
    });
  });
  return groups.map((group, g) => {
    const p = testable[g] ? pOf(g) : null;
    if (p === null || !observed[g]) return null;
    return {
      ...observed[g],
      ci: intervalOf(differences[g]!),
      p,
      improvementCi: intervalOf(improvements[g]!),
      items: group.reduce((n, b) => n + row[b]!.items.length, 0),
    };
  });
}
