/**
 * A math answer's shape: a single expression, a relation (`x >= 5`, `a < x < b`), an ordered tuple or interval, an
 * unordered set or list (`\{-12, -11\}`, `-12; -11`), a union of intervals, or a matrix; text when none parses.
 */
import { parseExpression, ParseError, type Expr } from './expression';
import { MATH_WORDS } from './extract';
import { normalizeLatex } from './latex-normalize';
import { matrixAnswer } from './matrix-expression';

export type Relation = '=' | '<' | '>' | '<=' | '>=' | '!=';

export type MathAnswer =
  | { kind: 'expr'; expr: Expr; percent: boolean }
  | { kind: 'relation'; ops: Relation[]; sides: Expr[] }
  /** Parenthesised or bracketed items: a point, a vector or an interval (the brackets say which ends are open). */
  | { kind: 'tuple'; open: '(' | '['; close: ')' | ']'; items: MathAnswer[] }
  | { kind: 'set'; items: MathAnswer[] }
  | { kind: 'union'; items: MathAnswer[] }
  | { kind: 'matrix'; rows: Expr[][] }
  | { kind: 'text'; text: string };

/** Longer answers are compared as text only: parsing them is not worth a slow grader. */
const MAX_PARSED_LENGTH = 2000;

/** Splits at top-level separators (outside brackets and braces). */
function splitTop(s: string, separators: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ('([{'.includes(c) || s.startsWith('\\{', i)) depth++;
    else if (')]}'.includes(c) || s.startsWith('\\}', i)) depth--;
    if (s.startsWith('\\{', i) || s.startsWith('\\}', i)) {
      i++;
      continue;
    }
    if (depth === 0) {
      const match = separators.exec(s.slice(i));
      if (match && match.index === 0) {
        parts.push(s.slice(start, i));
        start = i + match[0].length;
        i = start - 1;
      }
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

/** True when the bracket at 0 closes at the last character (`(1, 2)`, not `(1)(2)`). */
function wrapped(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length - 1; i++) {
    if ('([{'.includes(s[i]!)) depth++;
    else if (')]}'.includes(s[i]!)) depth--;
    if (depth === 0) return false;
  }
  return true;
}

export function parseMathAnswer(raw: string): MathAnswer {
  const { text, percent } = normalizeLatex(raw);
  if (text.length > MAX_PARSED_LENGTH) return { kind: 'text', text: textForm(text) };
  try {
    return parseShape(text, percent);
  } catch (error) {
    if (error instanceof ParseError) return { kind: 'text', text: textForm(text) };
    throw error;
  }
}

/** How a text answer compares: lower case, no spaces, a lone choice letter without its brackets. */
export function textForm(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^\(?([a-e])\)?$/, '$1');
}

/** Words (three letters or more, outside LaTeX commands) that are not math: the answer is text (`Evelyn`). */
function isWords(s: string): boolean {
  const words = s
    .replace(/\\(?:begin|end)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ')
    .match(/[a-zA-Z]{3,}/g);
  return words?.some((w) => !MATH_WORDS.has(w.toLowerCase())) ?? false;
}

/** Variables named before their values: `(a, b) = …`, `a, b = …`. */
const NAMED_TUPLE = /^\(?\s*[a-zA-Z](?:\s*,\s*[a-zA-Z])+\s*\)?\s*=\s*(.+)$/;

function parseShape(s: string, percent: boolean): MathAnswer {
  // `(a, b) = (2, 9)`: the values, not the names.
  const named = NAMED_TUPLE.exec(s);
  if (named) return parseShape(named[1]!, percent);
  // `(2, 9) and (9, 2)`, `3 or 7`: several answers, one set.
  const alternatives = splitTop(s, /^\s+(?:and|or)\s+/);
  if (alternatives.length > 1 && alternatives.every((part) => part !== '' && !isWords(part)))
    return { kind: 'set', items: alternatives.map((part) => parseShape(part, false)) };
  if (isWords(s)) return { kind: 'text', text: textForm(s) };
  // A matrix, also inside brackets (`\left[\begin{array}{cc}…\end{array}\right]`), or a sum or product of them.
  const matrix = matrixAnswer(s);
  if (matrix) return { kind: 'matrix', rows: matrix };
  // `a \pm b` is the set {a + b, a - b}.
  const pm = s.match(/\\pm(?![a-zA-Z])|±/g);
  if (pm?.length === 1) {
    const [plus, minus] = ['+', '-'].map((sign) => s.replace(/\\pm(?![a-zA-Z])|±/, sign));
    return { kind: 'set', items: [parseShape(plus!, percent), parseShape(minus!, percent)] };
  }
  const union = splitTop(s, /^\\cup|^∪/);
  if (union.length > 1) return { kind: 'union', items: union.map((part) => parseShape(part, false)) };
  if (s.startsWith('\\{') && s.endsWith('\\}'))
    return { kind: 'set', items: items(s.slice(2, -2)).map((part) => parseShape(part, false)) };
  const list = items(s);
  if (list.length > 1) return { kind: 'set', items: list.map((part) => parseShape(part, false)) };
  const open = s[0];
  const close = s.at(-1);
  if ((open === '(' || open === '[') && (close === ')' || close === ']') && wrapped(s)) {
    const inner = items(s.slice(1, -1));
    if (inner.length > 1) return { kind: 'tuple', open, close, items: inner.map((part) => parseShape(part, false)) };
  }
  const relation = splitRelation(s);
  if (relation) return relation;
  return { kind: 'expr', expr: parseExpression(s), percent };
}

/** Items separated by commas or semicolons at the top level (`1, 2`, `-12;-11`). */
function items(s: string): string[] {
  const parts = splitTop(s, /^[,;]/);
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

function splitRelation(s: string): MathAnswer | null {
  const pieces = splitTop(s, /^(?:<=|>=|!=|=|<|>)/);
  if (pieces.length < 2) return null;
  const ops: Relation[] = [];
  let rest = s;
  for (const piece of pieces.slice(0, -1)) {
    rest = rest.slice(rest.indexOf(piece) + piece.length);
    const op = /^\s*(<=|>=|!=|=|<|>)/.exec(rest)![1] as Relation;
    ops.push(op);
    rest = rest.slice(rest.indexOf(op) + op.length);
  }
  return { kind: 'relation', ops, sides: pieces.map((p) => parseExpression(p)) };
}
