/**
 * A results table as CSV (raw values with std and n columns), Markdown (best of each column in **bold**) or LaTeX
 * (booktabs, best in \textbf). Each starts with a comment naming the experiment, the metric, the app version and the
 * date, so a table found later says where it came from, and ends with its footnotes: which settings each row changed
 * from its algorithm's paper defaults.
 */
import type { Cell, ResultsTable } from './results-table';

export const EXPORT_FORMATS = ['csv', 'md', 'latex'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportHeader {
  /** What the table is of: `experiment 3 "AEPO vs GRPO"`, or `runs 4, 7, 9`. */
  source: string;
  appVersion: string;
  /** ISO date of the export (YYYY-MM-DD). */
  date: string;
  /** Lines printed under the table (export.ts: the settings footnote), as plain text. */
  footnotes: string[];
}

const describe = (table: ResultsTable, h: ExportHeader) =>
  `AEPO Lab ${h.appVersion}, ${h.source}, ${table.metric} in %, mean ± std over seeds, exported ${h.date}`;

const fixed = (x: number) => x.toFixed(1);

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(table: ResultsTable, header: ExportHeader): string {
  const head = ['algorithm', ...table.columns.flatMap((c) => [c.id, `${c.id}_std`, `${c.id}_n`])];
  const lines = table.rows.map((row) => [
    row.label,
    ...row.cells.flatMap((cell) => (cell ? [String(cell.mean), String(cell.std), String(cell.n)] : ['', '', '0'])),
  ]);
  return (
    [`# ${describe(table, header)}`, head, ...lines, ...header.footnotes.map((note) => `# ${note}`)]
      .map((line) => (typeof line === 'string' ? line : line.map(csvField).join(',')))
      .join('\n') + '\n'
  );
}

function cellText(
  cell: Cell | null,
  bold: boolean,
  wrap: (text: string) => string,
  pm: string,
  missing: string,
): string {
  if (!cell) return missing;
  const text = cell.n > 1 ? `${fixed(cell.mean)}${pm}${fixed(cell.std)}` : fixed(cell.mean);
  return bold ? wrap(text) : text;
}

function toMarkdown(table: ResultsTable, header: ExportHeader): string {
  const head = ['Algorithm', ...table.columns.map((c) => c.label)];
  const lines = table.rows.map((row, r) => [
    row.label,
    ...row.cells.map((cell, c) => cellText(cell, table.best[c]!.includes(r), (t) => `**${t}**`, ' ± ', '—')),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return (
    [
      `<!-- ${describe(table, header)} -->`,
      line(head),
      line(head.map((_, i) => (i === 0 ? '---' : '---:'))),
      ...lines.map(line),
      '',
      ...header.footnotes.map((note) => `- ${note}`),
    ].join('\n') + '\n'
  );
}

const latexEscape = (text: string) => text.replace(/([\\&%$#_{}])/g, '\\$1').replace(/~/g, '\\textasciitilde{}');

function toLatex(table: ResultsTable, header: ExportHeader): string {
  const head = ['Algorithm', ...table.columns.map((c) => c.label)].map(latexEscape);
  const lines = table.rows.map((row, r) => [
    latexEscape(row.label),
    ...row.cells.map((cell, c) =>
      cellText(cell, table.best[c]!.includes(r), (t) => `\\textbf{${t}}`, ' $\\pm$ ', '--'),
    ),
  ]);
  const row = (cells: string[]) => `${cells.join(' & ')} \\\\`;
  return (
    [
      `% ${describe(table, header).replace(/±/g, '+-')}`,
      '% needs \\usepackage{booktabs}',
      `\\begin{tabular}{l${'r'.repeat(table.columns.length)}}`,
      '\\toprule',
      row(head),
      '\\midrule',
      ...lines.map(row),
      '\\bottomrule',
      ...header.footnotes.map(
        (note) => `\\multicolumn{${table.columns.length + 1}}{l}{\\footnotesize ${latexEscape(note)}} \\\\`,
      ),
      '\\end{tabular}',
    ].join('\n') + '\n'
  );
}

export function exportTable(table: ResultsTable, format: ExportFormat, header: ExportHeader): string {
  if (format === 'csv') return toCsv(table, header);
  if (format === 'md') return toMarkdown(table, header);
  return toLatex(table, header);
}
