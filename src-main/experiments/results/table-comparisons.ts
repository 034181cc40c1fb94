/**
 * The results table's tests: every row against the reference row (paired difference, interval, sign-flip p, Holm
 * over the table's distinct comparisons, probability of improvement), and the bold rule, which tests each row
 * against its column's best. The same pair over the same benchmarks is tested once for both. docs/statistics.md.
 */
import {
  pairedColumns,
  pairedTestP,
  type Block,
  type BootstrapSettings,
  type PairedComparison,
} from '../../stats/estimates';
import { holm } from '../../stats/tests';
import { blocksOf, type TableData } from './table-data';

/** Significance level of the tests, after correction. */
export const ALPHA = 0.05;

export interface Comparison extends PairedComparison {
  /** p after Holm's correction over every distinct comparison in the table. */
  pHolm: number;
}

export const BOLD_RULES = ['significant', 'best'] as const;
export type BoldRule = (typeof BOLD_RULES)[number];

/** The paired data and tests of two rows, each built once and shared by the comparisons and the bold rule. */
export interface PairTests {
  /** Per benchmark of the table, row a's block on the items row b was scored on too (null: not on every seed). */
  aligned(a: string, b: string): (Block | null)[];
  /** The sign-flip p of a against b over some benchmarks (null: untestable); symmetric, so either order. */
  p(a: string, b: string, group: string[]): number | null;
}

export function pairTests(data: TableData, benchmarks: string[], bootstrap: BootstrapSettings): PairTests {
  const blocks = new Map<string, (Block | null)[]>();
  const ps = new Map<string, number | null>();
  const aligned = (a: string, b: string) => {
    const key = JSON.stringify([a, b]);
    if (!blocks.has(key))
      blocks.set(
        key,
        benchmarks.map((bench) => blocksOf(data, a, [bench], b)?.[0] ?? null),
      );
    return blocks.get(key)!;
  };
  const p = (a: string, b: string, group: string[]) => {
    // One name (and one draw of signs) for either order.
    const [first, second] = [a, b].sort() as [string, string];
    const key = JSON.stringify([first, second, group]);
    if (!ps.has(key)) {
      const pick = (blocks: (Block | null)[]) => group.map((bench) => blocks[benchmarks.indexOf(bench)] ?? null);
      const x = pick(aligned(first, second));
      const y = pick(aligned(second, first));
      const testable = x.every((b) => b !== null) && y.every((b) => b !== null);
      ps.set(
        key,
        testable ? pairedTestP(x as Block[], y as Block[], bootstrap, `${first}|${second}|${group.join(',')}`) : null,
      );
    }
    return ps.get(key)!;
  };
  return { aligned, p };
}

interface Layout {
  labels: string[];
  benchmarks: string[];
  /** Per column, the benchmarks it averages. */
  members: string[][];
  reference: string | null;
}

/**
 * Every row against the reference, Holm-corrected over the distinct comparisons: a family of one benchmark is that
 * benchmark's comparison, counted once.
 */
export function compareWithReference(
  { labels, benchmarks, members, reference }: Layout,
  bootstrap: BootstrapSettings,
  tests: PairTests,
): { byRow: (Comparison | null)[][]; count: number } {
  const keys = [...new Set(members.map((group) => group.join(',')))];
  const distinct = keys.map((key) => members.find((group) => group.join(',') === key)!);
  const groups = distinct.map((group) => group.map((b) => benchmarks.indexOf(b)));
  const found = labels.map((label) => {
    if (reference === null || label === reference) return distinct.map(() => null);
    return pairedColumns(
      tests.aligned(label, reference),
      tests.aligned(reference, label),
      groups,
      bootstrap,
      `${label}|${reference}`,
      (g) => tests.p(label, reference, distinct[g]!),
    );
  });
  const all = found.flat().filter((c): c is PairedComparison => c !== null);
  const adjusted = holm(all.map((c) => c.p));
  const byRow = found.map((row) =>
    members.map((group) => {
      const c = row[keys.indexOf(group.join(','))];
      return c ? { ...c, pHolm: adjusted[all.indexOf(c)]! } : null;
    }),
  );
  return { byRow, count: all.length };
}

/** Compared as shown (one decimal), so two rows that print the same value tie. */
const shown = (value: number) => Number(value.toFixed(1));

/**
 * Bold rows of one column from its means (null: no cell). `best`: the rows whose shown mean is the highest.
 * `significant`: the top row and every row whose paired difference from it is not significant after Holm's
 * correction over the column's rows; a row that cannot be tested (no per-item verdicts) is bold only if its shown
 * mean ties the top.
 */
export function boldRows(
  labels: string[],
  means: (number | null)[],
  group: string[],
  rule: BoldRule,
  tests: PairTests,
): number[] {
  const values = means.map((m) => (m === null ? null : shown(m)));
  const top = Math.max(...values.filter((v) => v !== null));
  const tied = values.flatMap((v, r) => (v !== null && v === top ? [r] : []));
  if (rule === 'best' || tied.length === 0) return tied;
  const leader = tied.reduce((a, r) => (means[r]! > means[a]! ? r : a), tied[0]!);
  const tested = values.flatMap((v, r) => {
    const p = v === null || r === leader ? null : tests.p(labels[r]!, labels[leader]!, group);
    return p === null ? [] : [{ r, p }];
  });
  const adjusted = holm(tested.map((t) => t.p));
  const tiedWithLeader = new Set([...tied, ...tested.flatMap((t, i) => (adjusted[i]! >= ALPHA ? [t.r] : []))]);
  return values.flatMap((v, r) => (v !== null && tiedWithLeader.has(r) ? [r] : []));
}
