import { renameSync, writeFileSync } from 'node:fs';

/** Fixed-width text table; the widest cell sets each column. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Text from a tool or a model made safe to print on a terminal: escape sequences (which could rewrite the screen,
 * set the window title or hide what follows) and other control characters removed; line breaks and tabs kept.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Written whole or not at all: a half-written table or report must never be mistaken for a result. */
export function writeWhole(file: string, data: string | Buffer): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}
