/**
 * The paper-style results table of an experiment: one row per algorithm (the base checkpoint and any outside model
 * too), one column per benchmark, then per-family averages and an overall average. Each cell is the mean over seeds
 * of every run's last evaluation with a 95 % two-level bootstrap interval over seeds and test items; every row is
 * compared with a reference row on the same items and seeds (difference, interval, sign-flip p with Holm's
 * correction, probability of improvement); bold marks the rows the data cannot tell from the column's best. An
 * average covers the same benchmarks for every row: a row missing one of them has none, and a note says why.
 * docs/statistics.md has the method.
 */
import { MINI_SUITES } from '../../benchmarks/mini/catalogue';
import { BENCHMARKS, type Domain } from '../../benchmarks/registry';
import { ALGORITHM_IDS } from '../../rl/types';
import { LabError } from '../../core/errors';
import { columnIntervals, type BootstrapSettings } from '../../stats/estimates';
import { rowAggregates, type RowAggregates } from '../../stats/row-aggregates';
import type { EvaluationRow, ItemScore } from '../../store/evaluations-repo';
import { boldRows, compareWithReference, pairTests, type BoldRule } from './table-comparisons';
import { boldRuleNote, caption } from './table-captions';
import { blocksOf, tableData, type TableData } from './table-data';

export { ALPHA, BOLD_RULES, type BoldRule, type Comparison } from './table-comparisons';
export type { Cell, ResultsTable, RowCompute, TableRow } from './table-types';
import type { Cell, ResultsTable, RowCompute } from './table-types';

export interface TableOptions {
  /** The row every other row is compared with; default AEPO where present, else the first row after `base`. */
  reference?: string;
  bold?: BoldRule;
  bootstrap?: Partial<BootstrapSettings>;
  /** Per row label, its training cost (export.ts reads it from the runs' metrics). */
  compute?: Map<string, RowCompute>;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { seed: 0, resamples: 2000 };

export const FAMILY_LABELS: Record<Domain, string> = {
  math: 'Math avg',
  knowledge: 'Knowledge avg',
  deep_search: 'Deep search avg',
};
const FAMILIES: Domain[] = ['math', 'knowledge', 'deep_search'];

export function familyOf(benchmark: string): Domain | undefined {
  return MINI_SUITES[benchmark]?.family ?? BENCHMARKS.find((b) => b.id === benchmark)?.domain;
}

/** Benchmarks in a stable order: by family, then as the registry lists them. */
function benchmarkOrder(ids: string[]): string[] {
  const registry = [...BENCHMARKS.map((b) => b.id), ...Object.keys(MINI_SUITES)];
  const rank = (id: string) =>
    FAMILIES.indexOf(familyOf(id) ?? 'deep_search') * 1000 + (registry.indexOf(id) + 1 || 999);
  return [...ids].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The base checkpoint first, then the algorithms in registry order, then outside models by name. */
function rowOrder(labels: string[]): string[] {
  const rank = (label: string) =>
    label === 'base' ? -1 : (ALGORITHM_IDS as readonly string[]).indexOf(label) + 1 || 999;
  return [...labels].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function spread(values: number[]): Pick<Cell, 'mean' | 'std' | 'n'> {
  const m = mean(values);
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1));
  return { mean: m, std, n: values.length };
}

/** The default reference: AEPO where present, else the first row after the base checkpoint, else the first row. */
function referenceOf(labels: string[], asked: string | undefined): string | null {
  if (asked !== undefined) {
    if (!labels.includes(asked))
      throw new LabError('invalid_input', `reference row "${asked}" is not in the table (${labels.join(', ')})`);
    return asked;
  }
  if (labels.length < 2) return null;
  return labels.includes('aepo') ? 'aepo' : (labels.find((l) => l !== 'base') ?? labels[0]!);
}

/**
 * `metric` "pass@K" selects the evaluations of that k. `items` are the sample scores behind them (without them the
 * cells have no intervals and nothing can be tested).
 */
export function resultsTable(
  evaluations: EvaluationRow[],
  metric: string,
  items: ItemScore[] = [],
  options: TableOptions = {},
): ResultsTable {
  const k = Number(/^pass@(\d+)$/.exec(metric)?.[1]);
  if (!Number.isInteger(k) || k < 1)
    throw new Error(`metric must be pass@K (such as pass@1 or pass@5), not "${metric}"`);
  const bootstrap = { ...DEFAULT_BOOTSTRAP, ...options.bootstrap };
  const bold = options.bold ?? 'significant';
  const data = tableData(evaluations, items, k);
  const benchmarks = benchmarkOrder(data.benchmarks);
  const families = FAMILIES.filter((f) => benchmarks.some((b) => familyOf(b) === f));
  const labels = rowOrder(data.labels);
  const members = [
    ...benchmarks.map((b) => [b]),
    ...families.map((f) => benchmarks.filter((b) => familyOf(b) === f)),
    benchmarks,
  ];
  const columns = [
    ...benchmarks.map((id) => ({ id, label: id, kind: 'benchmark' as const })),
    ...families.map((f) => ({ id: f, label: FAMILY_LABELS[f], kind: 'family' as const })),
    { id: 'overall', label: 'Overall', kind: 'overall' as const },
  ].map((column, c) => ({ ...column, benchmarks: members[c]! }));

  const notes: string[] = [];
  const cells = labels.map((label) => {
    const row = rowCells(data, label, benchmarks, members, bootstrap);
    const missing = benchmarks.filter((b) => data.seedsOf(label).some((s) => !data.get(label, b, s)));
    // Say why an average is missing where the row has some of its benchmarks (a failed run, a partial evaluation).
    const unexplained = columns.flatMap((c, i) =>
      c.kind !== 'benchmark' &&
      row[i] === null &&
      members[i]!.some((b) => data.seedsOf(label).some((s) => data.get(label, b, s)))
        ? [c.label]
        : [],
    );
    if (unexplained.length > 0)
      notes.push(`${label}: no ${unexplained.join(', ')}: ${missing.join(', ')} not evaluated for every seed`);
    return row;
  });

  const reference = referenceOf(labels, options.reference);
  const tests = pairTests(data, benchmarks, bootstrap);
  const comparisons = compareWithReference({ labels, benchmarks, members, reference }, bootstrap, tests);
  const rows = labels.map((label, r) => ({
    label,
    cells: cells[r]!,
    comparisons: comparisons.byRow[r]!,
    aggregates: rowAggregatesOf(data, label, benchmarks, bootstrap),
    compute: options.compute?.get(label) ?? null,
  }));
  const boldOf = new Map<string, number[]>();
  const best = columns.map((_, c) => {
    // A family of one benchmark bolds as that benchmark does.
    const key = members[c]!.join(',');
    const means = cells.map((row) => row[c]?.mean ?? null);
    if (!boldOf.has(key)) boldOf.set(key, boldRows(labels, means, members[c]!, bold, tests));
    return boldOf.get(key)!;
  });
  const table = { metric, columns, rows, reference, best, bold, bootstrap, comparisons: comparisons.count, notes };
  return { ...table, caption: caption(table), boldNote: boldRuleNote(table) };
}

/** A row's cells: per-benchmark and averaged, each averaged per seed over every member or not at all. */
function rowCells(
  data: TableData,
  label: string,
  benchmarks: string[],
  members: string[][],
  bootstrap: BootstrapSettings,
): (Cell | null)[] {
  const seeds = data.seedsOf(label);
  const blocks = benchmarks.map((b) => blocksOf(data, label, [b])?.[0] ?? null);
  const groups = members.map((group) => group.map((b) => benchmarks.indexOf(b)));
  const intervals = columnIntervals(blocks, groups, bootstrap, label);
  return members.map((group, c) => {
    const perSeed = seeds.map((s) => group.map((b) => data.get(label, b, s)));
    if (perSeed.every((evaluations) => evaluations.every((e) => e !== undefined))) {
      const samples = perSeed.flat().map((e) => e!.samples);
      const usable = groups[c]!.every((b) => blocks[b]) && samples.every((s) => s !== null);
      return {
        ...spread(perSeed.map((evaluations) => mean(evaluations.map((e) => e!.value)))),
        ci: intervals[c]!,
        items: usable ? groups[c]!.reduce((n, b) => n + blocks[b]!.items.length, 0) : null,
        samples: usable ? Math.min(...(samples as number[])) : null,
      };
    }
    // A benchmark keeps whichever seeds it has; an average over fewer benchmarks would not compare.
    if (c >= benchmarks.length) return null;
    const present = seeds.flatMap((s) => data.get(label, group[0]!, s) ?? []);
    return present.length === 0
      ? null
      : { ...spread(present.map((e) => e.value)), ci: null, items: null, samples: null };
  });
}

function rowAggregatesOf(
  data: TableData,
  label: string,
  benchmarks: string[],
  bootstrap: BootstrapSettings,
): RowAggregates | null {
  const blocks = blocksOf(data, label, benchmarks);
  return blocks ? rowAggregates(blocks, bootstrap, label) : null;
}
