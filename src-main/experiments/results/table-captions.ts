/**
 * The words every export of a results table carries: the caption naming the method (interval, resamples, seeds,
 * items and samples per benchmark, the test and its correction), the bold rule, and the number formats shared by
 * Markdown and LaTeX. docs/statistics.md is the long form.
 */
import type { Cell, ResultsTable } from './table-types';
import { ALPHA, type Comparison } from './table-comparisons';

/** What the caption reads: the table before its words are added. */
type Described = Omit<ResultsTable, 'caption' | 'boldNote'>;

export const fixed = (x: number) => x.toFixed(1);
export const signed = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(1)}`;
export const pText = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

/** `54.5 [51.2, 57.8]`, or the mean alone where there is no interval. */
export function cellValue(cell: Cell): string {
  return cell.ci ? `${fixed(cell.mean)} [${fixed(cell.ci.low)}, ${fixed(cell.ci.high)}]` : fixed(cell.mean);
}

export const differenceText = (c: Comparison) => `${signed(c.difference)} [${signed(c.ci.low)}, ${signed(c.ci.high)}]`;
export const improvementText = (c: Comparison) =>
  `${c.improvement.toFixed(2)} [${c.improvementCi.low.toFixed(2)}, ${c.improvementCi.high.toFixed(2)}]`;
export const significant = (c: Comparison) => c.pHolm < ALPHA;

/** Per benchmark, the distinct "items × samples × seeds" of its cells, e.g. "mini-gsm8k 20 × 5 × 2 (base: 20 × 5 × 1)". */
function sizes(table: Described): string {
  return table.columns
    .flatMap((column, c) => {
      if (column.kind !== 'benchmark') return [];
      const seen = new Map<string, string[]>();
      for (const row of table.rows) {
        const cell = row.cells[c];
        if (!cell) continue;
        const size =
          cell.items === null
            ? `${cell.n} seed(s), no per-item verdicts`
            : `${cell.items} × ${cell.samples} × ${cell.n}`;
        seen.set(size, [...(seen.get(size) ?? []), row.label]);
      }
      const sorted = [...seen.entries()].sort((a, b) => b[1].length - a[1].length);
      const [common, ...others] = sorted;
      if (!common) return [];
      const rest = others.map(([size, rows]) => `${rows.join(', ')}: ${size}`);
      return [`${column.label} ${common[0]}${rest.length > 0 ? ` (${rest.join('; ')})` : ''}`];
    })
    .join('; ');
}

/** The caption: what a cell is, how its interval and the comparisons were computed, on how much data. */
export function caption(table: Described): string {
  const { resamples, seed } = table.bootstrap;
  const parts = [
    `${table.metric} in %: mean over seeds [95 % CI]; CI from a two-level stratified bootstrap (seeds, then test items, an item's samples kept together), ${resamples} resamples, bootstrap seed ${seed}`,
    `items × samples per item × seeds: ${sizes(table)}`,
    'IQM: interquartile mean over run × benchmark scores, stratified bootstrap CI',
  ];
  if (table.reference !== null)
    parts.push(
      `comparisons against ${table.reference} on the same items and seeds: difference [95 % paired-bootstrap CI], two-sided sign-flip p, Holm-corrected over ${table.comparisons} comparisons (* : p_holm < ${ALPHA}), P(improvement) as in rliable [95 % CI]`,
    );
  return `${parts.map((part) => part[0]!.toUpperCase() + part.slice(1)).join('. ')}.`;
}

/** The footnote naming the bold rule. */
export function boldRuleNote(table: Described): string {
  return table.bold === 'significant'
    ? `Bold: each column's best and every row not significantly different from it (paired sign-flip test, Holm-corrected over the column's rows, α = ${ALPHA}); a row without per-item verdicts is bold only if it ties the best as printed.`
    : 'Bold: the highest mean as printed (one decimal), every row of a tie; differences are not tested by this rule (see the comparisons).';
}
