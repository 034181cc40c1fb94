/**
 * A results table as CSV (one line per cell: the estimate, its interval, n and the comparison with the reference row,
 * at full precision), Markdown or LaTeX (`54.5 [51.2, 57.8]`, bold per the table's rule, then the comparisons). Each
 * starts with a comment naming the experiment, the metric, the app version and the date, carries the caption naming
 * the method, and ends with its footnotes: the bold rule, missing averages, and the settings each row changed from
 * its algorithm's paper defaults.
 */
import type { ResultsTable, TableRow } from './results-table';
import { cellValue, differenceText, fixed, improvementText, pText, significant } from './table-captions';

export const EXPORT_FORMATS = ['csv', 'md', 'latex'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportHeader {
  /** What the table is of: `experiment 3 "AEPO vs GRPO"`, or `runs 4, 7, 9`. */
  source: string;
  appVersion: string;
  /** ISO date of the export (YYYY-MM-DD). */
  date: string;
  /** Lines printed under the table (export.ts: missing averages, the settings footnote), as plain text. */
  footnotes: string[];
}

const describe = (table: ResultsTable, h: ExportHeader) =>
  `AEPO Lab ${h.appVersion}, ${h.source}, ${table.metric} in %, exported ${h.date}`;

const footnotesOf = (table: ResultsTable, header: ExportHeader) => [table.boldNote, ...header.footnotes];

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_HEAD = [
  'row',
  'column',
  'kind',
  'mean',
  'std',
  'ci_low',
  'ci_high',
  'n_items',
  'n_seeds',
  'samples',
  'bold',
  'reference',
  'diff',
  'diff_ci_low',
  'diff_ci_high',
  'p',
  'p_holm',
  'p_improvement',
  'p_improvement_ci_low',
  'p_improvement_ci_high',
];

function toCsv(table: ResultsTable, header: ExportHeader): string {
  const text = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
  const lines = table.rows.flatMap((row, r) => [
    ...table.columns.map((column, c) => {
      const cell = row.cells[c];
      const cmp = row.comparisons[c];
      return [
        row.label,
        column.id,
        column.kind,
        text(cell?.mean),
        text(cell?.std),
        text(cell?.ci?.low),
        text(cell?.ci?.high),
        text(cell?.items),
        text(cell?.n ?? 0),
        text(cell?.samples),
        table.best[c]!.includes(r) ? '1' : '0',
        table.reference ?? '',
        text(cmp?.difference),
        text(cmp?.ci.low),
        text(cmp?.ci.high),
        text(cmp?.p),
        text(cmp?.pHolm),
        text(cmp?.improvement),
        text(cmp?.improvementCi.low),
        text(cmp?.improvementCi.high),
      ];
    }),
    iqmCsvLine(row),
    ...computeCsvLines(row),
  ]);
  return (
    [
      `# ${describe(table, header)}`,
      `# ${table.caption}`,
      CSV_HEAD,
      ...lines,
      ...footnotesOf(table, header).map((note) => `# ${note}`),
    ]
      .map((line) => (typeof line === 'string' ? line : line.map(csvField).join(',')))
      .join('\n') + '\n'
  );
}

function iqmCsvLine(row: TableRow): string[] {
  const a = row.aggregates;
  const blank = CSV_HEAD.slice(7).map(() => '');
  return a
    ? [row.label, 'iqm', 'iqm', String(a.iqm), '', String(a.iqmCi.low), String(a.iqmCi.high), ...blank]
    : [row.label, 'iqm', 'iqm', '', '', '', '', ...blank];
}

/** A row's training cost as two lines: tokens sampled per step, seconds of training per run. */
function computeCsvLines(row: TableRow): string[][] {
  if (!row.compute) return [];
  const blank = CSV_HEAD.slice(4).map(() => '');
  const { tokensPerStep, secondsPerRun } = row.compute;
  return [
    [row.label, 'tokens_per_step', 'compute', tokensPerStep === null ? '' : String(tokensPerStep), ...blank],
    [row.label, 'train_s_per_run', 'compute', secondsPerRun === null ? '' : String(secondsPerRun), ...blank],
  ];
}

const hasCompute = (table: ResultsTable) => table.rows.some((r) => r.compute);
const COMPUTE_HEAD = ['Tokens/step', 'Train s/run'];
const computeCells = (row: TableRow, missing: string) => [
  row.compute?.tokensPerStep != null ? Math.round(row.compute.tokensPerStep).toString() : missing,
  row.compute?.secondsPerRun != null ? Math.round(row.compute.secondsPerRun).toString() : missing,
];

/** The results grid's text cells, bold applied with `wrap`, the IQM column, and the compute columns if any. */
function gridLines(table: ResultsTable, wrap: (text: string) => string, missing: string): string[][] {
  return table.rows.map((row, r) => [
    row.label,
    ...row.cells.map((cell, c) => {
      if (!cell) return missing;
      return table.best[c]!.includes(r) ? wrap(cellValue(cell)) : cellValue(cell);
    }),
    row.aggregates
      ? `${fixed(row.aggregates.iqm)} [${fixed(row.aggregates.iqmCi.low)}, ${fixed(row.aggregates.iqmCi.high)}]`
      : missing,
    ...(hasCompute(table) ? computeCells(row, missing) : []),
  ]);
}

/**
 * One line per (row, column) compared with the reference: Δ [CI], p, p_holm (* if significant), P(improvement). A
 * family average over a single benchmark is that benchmark's comparison, printed once.
 */
function comparisonLines(table: ResultsTable): string[][] {
  const repeats = (c: number) => table.columns[c]!.kind !== 'benchmark' && table.columns[c]!.benchmarks.length === 1;
  return table.rows.flatMap((row) =>
    row.comparisons.flatMap((cmp, c) =>
      cmp && !repeats(c)
        ? [
            [
              row.label,
              table.columns[c]!.label,
              differenceText(cmp),
              pText(cmp.p),
              `${pText(cmp.pHolm)}${significant(cmp) ? ' *' : ''}`,
              improvementText(cmp),
            ],
          ]
        : [],
    ),
  );
}

const comparisonHead = (table: ResultsTable) => [
  'Row',
  'Column',
  `Δ vs ${table.reference} [95 % CI]`,
  'p',
  'p (Holm)',
  `P(row > ${table.reference}) [95 % CI]`,
];

function toMarkdown(table: ResultsTable, header: ExportHeader): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = (n: number, text: number) => line(Array.from({ length: n }, (_, i) => (i < text ? '---' : '---:')));
  const head = ['Algorithm', ...table.columns.map((c) => c.label), 'IQM', ...(hasCompute(table) ? COMPUTE_HEAD : [])];
  const comparisons = comparisonLines(table);
  return (
    [
      `<!-- ${describe(table, header)} -->`,
      line(head),
      rule(head.length, 1),
      ...gridLines(table, (t) => `**${t}**`, '—').map(line),
      '',
      `Table: ${table.caption}`,
      ...(comparisons.length > 0 ? ['', line(comparisonHead(table)), rule(6, 2), ...comparisons.map(line)] : []),
      '',
      ...footnotesOf(table, header).map((note) => `- ${note}`),
    ].join('\n') + '\n'
  );
}

const latexEscape = (text: string) =>
  text
    .replace(/([\\&%$#_{}])/g, '\\$1')
    .replace(/~/g, '\\textasciitilde{}')
    .replace(/Δ/g, '$\\Delta$')
    .replace(/α/g, '$\\alpha$')
    .replace(/×/g, '$\\times$')
    .replace(/([<>])/g, '$$$1$$');

function toLatex(table: ResultsTable, header: ExportHeader): string {
  const row = (cells: string[]) => `${cells.join(' & ')} \\\\`;
  const head = [
    'Algorithm',
    ...table.columns.map((c) => c.label),
    'IQM',
    ...(hasCompute(table) ? COMPUTE_HEAD : []),
  ].map(latexEscape);
  const grid = gridLines(table, (t) => `\\textbf{${t}}`, '--').map((cells) => [
    latexEscape(cells[0]!),
    ...cells.slice(1),
  ]);
  const comparisons = comparisonLines(table);
  const footnote = (note: string) => `\\multicolumn{${head.length}}{l}{\\footnotesize ${latexEscape(note)}} \\\\`;
  return (
    [
      `% ${describe(table, header)}`,
      '% needs \\usepackage{booktabs}',
      '\\begin{table}[t]',
      '\\centering',
      `\\caption{${latexEscape(table.caption)}}`,
      `\\begin{tabular}{l${'r'.repeat(head.length - 1)}}`,
      '\\toprule',
      row(head),
      '\\midrule',
      ...grid.map(row),
      '\\bottomrule',
      ...footnotesOf(table, header).map(footnote),
      '\\end{tabular}',
      ...(comparisons.length > 0
        ? [
            '',
            '\\medskip',
            '\\begin{tabular}{llrrrr}',
            '\\toprule',
            row(comparisonHead(table).map(latexEscape)),
            '\\midrule',
            ...comparisons.map((cells) => row(cells.map(latexEscape))),
            '\\bottomrule',
            '\\end{tabular}',
          ]
        : []),
      '\\end{table}',
    ].join('\n') + '\n'
  );
}

export function exportTable(table: ResultsTable, format: ExportFormat, header: ExportHeader): string {
  if (format === 'csv') return toCsv(table, header);
  if (format === 'md') return toMarkdown(table, header);
  return toLatex(table, header);
}
