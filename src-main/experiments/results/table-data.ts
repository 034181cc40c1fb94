/**
 * What a results table is computed from: per (row, benchmark, seed) the run's last evaluation at the table's k, and
 * the per-item values behind it (an item's samples folded into one value on the metric's scale, in percent: the
 * mean for Pass@1, the expected best of k for Pass@k), arranged as the statistics' blocks.
 */
import { expectedBestOfK } from '../../benchmarks/metrics';
import type { Block } from '../../stats/estimates';
import type { EvaluationRow, ItemScore } from '../../store/evaluations-repo';

/** One seed's evaluation of one benchmark. */
export interface SeedEvaluation {
  seed: number;
  value: number;
  /** Item index → value in percent; null where the run has no per-item verdicts (an import, an old run). */
  items: Map<number, number> | null;
  /** Samples per item (the fewest any item has); null without verdicts. */
  samples: number | null;
}

export interface TableData {
  labels: string[];
  benchmarks: string[];
  /** The row's seeds, ascending. */
  seedsOf(label: string): number[];
  get(label: string, benchmark: string, seed: number): SeedEvaluation | undefined;
}

const keyOf = (label: string, benchmark: string, seed: number) => JSON.stringify([label, benchmark, seed]);

/** Each run's item values at pass@k, from its samples' scores (items with fewer than k samples are left out). */
function itemValues(scores: ItemScore[], k: number): { items: Map<number, number>; samples: number } {
  const byItem = new Map<number, number[]>();
  for (const s of scores) {
    const list = byItem.get(s.index) ?? [];
    list.push(s.score);
    byItem.set(s.index, list);
  }
  const items = new Map<number, number>();
  let samples = Infinity;
  for (const [index, list] of byItem) {
    if (list.length < k) continue;
    samples = Math.min(samples, list.length);
    items.set(index, 100 * (k === 1 ? list.reduce((a, b) => a + b, 0) / list.length : expectedBestOfK(list, k)));
  }
  return { items, samples };
}

/** The last evaluation per (row, benchmark, seed) at pass@k, joined with its item scores. */
export function tableData(evaluations: EvaluationRow[], itemScores: ItemScore[], k: number): TableData {
  const latest = new Map<string, EvaluationRow>();
  for (const e of evaluations.filter((e) => e.k === k && e.metric === 'pass')) {
    const key = keyOf(e.algorithm, e.benchmark, e.seed);
    const seen = latest.get(key);
    if (!seen || e.step >= seen.step) latest.set(key, e);
  }
  const scoresOf = new Map<string, ItemScore[]>();
  for (const s of itemScores) {
    const key = JSON.stringify([s.runId, s.step, s.benchmark]);
    const list = scoresOf.get(key) ?? [];
    list.push(s);
    scoresOf.set(key, list);
  }
  const byKey = new Map<string, SeedEvaluation>();
  for (const [key, e] of latest) {
    const scores = scoresOf.get(JSON.stringify([e.runId, e.step, e.benchmark]));
    const folded = scores ? itemValues(scores, k) : null;
    const usable = folded && folded.items.size > 0 ? folded : null;
    byKey.set(key, { seed: e.seed, value: e.value, items: usable?.items ?? null, samples: usable?.samples ?? null });
  }
  const values = [...latest.values()];
  const seeds = new Map<string, number[]>();
  for (const e of values) seeds.set(e.algorithm, [...new Set([...(seeds.get(e.algorithm) ?? []), e.seed])]);
  return {
    labels: [...seeds.keys()],
    benchmarks: [...new Set(values.map((e) => e.benchmark))],
    seedsOf: (label) => [...(seeds.get(label) ?? [])].sort((a, b) => a - b),
    get: (label, benchmark, seed) => byKey.get(keyOf(label, benchmark, seed)),
  };
}

/**
 * A row's blocks over the given benchmarks, on the items every seed of it (and of `alongside`, for a paired
 * comparison) was scored on; null where a seed lacks a benchmark or its per-item verdicts.
 */
export function blocksOf(data: TableData, label: string, benchmarks: string[], alongside?: string): Block[] | null {
  const seeds = data.seedsOf(label);
  const blocks: Block[] = [];
  for (const benchmark of benchmarks) {
    const own = seeds.map((s) => data.get(label, benchmark, s)?.items ?? null);
    const other = alongside ? data.seedsOf(alongside).map((s) => data.get(alongside, benchmark, s)?.items ?? null) : [];
    const all = [...own, ...other];
    if (all.length === 0 || all.some((m) => m === null)) return null;
    const maps = all as Map<number, number>[];
    const items = [...maps[0]!.keys()].filter((i) => maps.every((m) => m.has(i))).sort((a, b) => a - b);
    if (items.length === 0) return null;
    const values = (own as Map<number, number>[]).map((m) => Float64Array.from(items, (i) => m.get(i)!));
    blocks.push({ benchmark, seeds, items, values });
  }
  return blocks;
}
