/**
 * The paper-style results table of an experiment: one row per algorithm (the base checkpoint and any outside model
 * too), one column per benchmark, then per-family averages and an overall average; each cell the mean ± std over
 * seeds of every run's last evaluation. Built from every stored evaluation, never a downsampled series. An average
 * covers the same benchmarks for every row: a row missing one of them has none (and a note says why), so it never
 * competes with an average over fewer benchmarks.
 */
import { MINI_SUITES } from '../benchmarks/mini/catalogue';
import { BENCHMARKS, type Domain } from '../benchmarks/registry';
import { ALGORITHM_IDS } from '../rl/types';
import type { EvaluationRow } from '../store/evaluations-repo';

export interface Cell {
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  std: number;
  /** Seeds behind the value. */
  n: number;
}

export interface ResultsTable {
  /** e.g. "pass@1". */
  metric: string;
  columns: { id: string; label: string; kind: 'benchmark' | 'family' | 'overall' }[];
  rows: { label: string; cells: (Cell | null)[] }[];
  /** Per column, the rows with the best mean as exported (one decimal): every row of a tie (empty: no values). */
  best: number[][];
  /** Why a row has no average where it has some of the benchmarks, one line per row (exports print them). */
  notes: string[];
}

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
function cellOf(values: number[]): Cell | null {
  if (values.length === 0) return null;
  const m = mean(values);
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1));
  return { mean: m, std, n: values.length };
}

/**
 * `metric` "pass@K" selects the evaluations of that k. Each run counts with its last evaluation per benchmark; an
 * average over a family (or overall) is taken per seed over the benchmarks that seed has, then mean ± std over seeds.
 */
export function resultsTable(evaluations: EvaluationRow[], metric: string): ResultsTable {
  const k = Number(/^pass@(\d+)$/.exec(metric)?.[1]);
  if (!Number.isInteger(k) || k < 1)
    throw new Error(`metric must be pass@K (such as pass@1 or pass@5), not "${metric}"`);
  // (row, benchmark, seed) → the value of the run's last evaluation.
  const latest = new Map<string, EvaluationRow>();
  const keyOf = (label: string, benchmark: string, seed: number) => JSON.stringify([label, benchmark, seed]);
  for (const e of evaluations.filter((e) => e.k === k && e.metric === 'pass')) {
    const key = keyOf(e.algorithm, e.benchmark, e.seed);
    const seen = latest.get(key);
    if (!seen || e.step >= seen.step) latest.set(key, e);
  }
  const values = [...latest.values()];
  const benchmarks = benchmarkOrder([...new Set(values.map((e) => e.benchmark))]);
  const families = FAMILIES.filter((f) => benchmarks.some((b) => familyOf(b) === f));
  const labels = rowOrder([...new Set(values.map((e) => e.algorithm))]);
  // A lookup in the map above, not a scan: averages ask for every (row, benchmark, seed) several times.
  const valueOf = (label: string, benchmark: string, seed: number) => latest.get(keyOf(label, benchmark, seed))?.value;

  const columns = [
    ...benchmarks.map((id) => ({ id, label: id, kind: 'benchmark' as const })),
    ...families.map((f) => ({ id: f, label: FAMILY_LABELS[f], kind: 'family' as const })),
    { id: 'overall', label: 'Overall', kind: 'overall' as const },
  ];
  const notes: string[] = [];
  const rows = labels.map((label) => {
    const seeds = [...new Set(values.filter((e) => e.algorithm === label).map((e) => e.seed))];
    const has = (b: string) => seeds.every((s) => valueOf(label, b, s) !== undefined);
    const perBenchmark = benchmarks.map((b) => cellOf(seeds.flatMap((s) => valueOf(label, b, s) ?? [])));
    // Per seed over every member, or nothing: an average over fewer benchmarks would not compare.
    const averageOver = (members: string[]) =>
      members.every(has) ? cellOf(seeds.map((s) => mean(members.map((b) => valueOf(label, b, s)!)))) : null;
    const groups = [...families.map((f) => benchmarks.filter((b) => familyOf(b) === f)), benchmarks];
    const averages = groups.map(averageOver);
    // Say why an average is missing where the row has some of its benchmarks (a failed run, a partial evaluation).
    const unexplained = groups.flatMap((members, i) =>
      averages[i] === null && members.some((b) => seeds.some((s) => valueOf(label, b, s) !== undefined))
        ? [columns[benchmarks.length + i]!.label]
        : [],
    );
    if (unexplained.length > 0)
      notes.push(
        `${label}: no ${unexplained.join(', ')}: ${benchmarks.filter((b) => !has(b)).join(', ')} not evaluated for every seed`,
      );
    return { label, cells: [...perBenchmark, ...averages] };
  });
  // Compared as shown (one decimal), so two rows that print the same value are both bold.
  const shown = (mean: number) => Number(mean.toFixed(1));
  const best = columns.map((_, c) => {
    const values = rows.map((row) => (row.cells[c] ? shown(row.cells[c].mean) : null));
    const top = Math.max(...values.filter((v) => v !== null));
    return values.flatMap((v, r) => (v !== null && v === top ? [r] : []));
  });
  return { metric, columns, rows, best, notes };
}
