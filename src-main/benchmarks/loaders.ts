/**
 * Loaders for the benchmark file formats the authors' evaluation code uses (and the public formats of the ones not
 * shipped with it). Every line is checked; the first bad one stops the load with its line number and field.
 */
import { createHash } from 'node:crypto';
import { lastBoxed } from './metrics';
import type { FormatId } from './registry';

export interface BenchmarkItem {
  /** Position in the file (0-based). */
  index: number;
  question: string;
  /** Accepted gold answers. */
  answers: string[];
  /** Everything else the file holds for the item (ids, levels, solutions). */
  meta: Record<string, unknown>;
  /** sha256 of question and answers: an unchanged item imports as unchanged. */
  hash: string;
}

export class LoadError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    message: string,
  ) {
    super(`line ${line}, field "${field}": ${message}`);
    this.name = 'LoadError';
  }
}

type Row = Record<string, unknown>;

function text(row: Row, field: string, line: number): string {
  const value = row[field];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value.trim() === '') throw new LoadError(line, field, 'must be a non-empty string');
  return value;
}

function aliases(row: Row, field: string, line: number): string[] {
  const value = row[field];
  if (typeof value === 'string' && value.trim() !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.map(String);
  throw new LoadError(line, field, 'must be a non-empty list of answers (or one answer string)');
}

function rest(row: Row, used: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !used.includes(key)));
}

/** One record in the file's shape → question, answers and meta. */
const PARSERS: Record<FormatId, (row: Row, line: number) => Omit<BenchmarkItem, 'index' | 'hash'>> = {
  aime24: (r, l) => ({
    question: text(r, 'problem', l),
    answers: [text(r, 'answer', l)],
    meta: rest(r, ['problem', 'answer']),
  }),
  aime25: (r, l) => ({
    question: text(r, 'problem', l),
    answers: [text(r, 'answer', l)],
    meta: rest(r, ['problem', 'answer']),
  }),
  math500: (r, l) => ({
    question: text(r, 'question', l),
    answers: [text(r, 'answer', l)],
    meta: rest(r, ['question', 'answer']),
  }),
  gsm8k: (r, l) => {
    const solution = text(r, 'answer', l);
    const final = /####\s*(.+)\s*$/.exec(solution)?.[1];
    if (!final) throw new LoadError(l, 'answer', 'has no final "#### N" line');
    return { question: text(r, 'question', l), answers: [final.replace(/,/g, '').trim()], meta: { solution } };
  },
  math: (r, l) => {
    const solution = text(r, 'solution', l);
    const boxed = lastBoxed(solution);
    if (boxed === null) throw new LoadError(l, 'solution', 'has no \\boxed{} final answer');
    return { question: text(r, 'problem', l), answers: [boxed], meta: rest(r, ['problem']) };
  },
  qa_aliases: (r, l) => ({
    question: text(r, 'question', l),
    answers: aliases(r, 'answer', l),
    meta: rest(r, ['question', 'answer']),
  }),
  qa_text: (r, l) => ({
    question: text(r, 'question', l),
    answers: [text(r, 'answer', l)],
    meta: rest(r, ['question', 'answer']),
  }),
  gaia: (r, l) => {
    const field = 'Final answer' in r ? 'Final answer' : 'answer';
    return { question: text(r, 'Question', l), answers: [text(r, field, l)], meta: rest(r, ['Question', field]) };
  },
  hle: (r, l) => ({
    question: text(r, 'question', l),
    answers: [text(r, 'answer', l)],
    meta: rest(r, ['question', 'answer']),
  }),
  frames: (r, l) => ({
    question: text(r, 'Prompt', l),
    answers: [text(r, 'Answer', l)],
    meta: rest(r, ['Prompt', 'Answer']),
  }),
};

/** Rows of a JSONL file, a JSON array, or (FRAMES) a TSV file with a header line. */
function rows(content: string, format: FormatId): { row: Row; line: number }[] {
  const trimmed = content.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new LoadError(1, '(file)', `not valid JSON: ${(error as Error).message}`);
    }
    return (parsed as unknown[]).map((row, i) => ({ row: row as Row, line: i + 1 }));
  }
  const lines = content.split(/\r?\n/);
  if (format === 'frames' && !trimmed.startsWith('{')) {
    const header = lines[0]!.split('\t');
    return lines.slice(1).flatMap((text, i) =>
      text.trim() === ''
        ? []
        : [
            {
              row: Object.fromEntries(text.split('\t').map((cell, c) => [header[c] ?? `column${c}`, cell])),
              line: i + 2,
            },
          ],
    );
  }
  return lines.flatMap((text, i) => {
    if (text.trim() === '') return [];
    try {
      const row: unknown = JSON.parse(text);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error('not a JSON object');
      return [{ row: row as Row, line: i + 1 }];
    } catch (error) {
      throw new LoadError(i + 1, '(line)', `not a JSON object: ${(error as Error).message}`);
    }
  });
}

export function loadBenchmarkFile(content: string, format: FormatId): BenchmarkItem[] {
  const items = rows(content, format).map(({ row, line }, index) => {
    if (row === null || typeof row !== 'object') throw new LoadError(line, '(line)', 'not a JSON object');
    const item = PARSERS[format](row, line);
    const hash = createHash('sha256')
      .update(JSON.stringify([item.question, item.answers]))
      .digest('hex');
    return { ...item, index, hash };
  });
  if (items.length === 0) throw new LoadError(1, '(file)', 'holds no items');
  return items;
}
