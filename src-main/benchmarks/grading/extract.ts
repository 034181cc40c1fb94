/**
 * Finding the final answer in free-form model output, the way the reference math graders do: the last `\boxed{}`,
 * else the last display math, else the last inline math, else the last number (the order is configurable).
 */

/**
 * Where an answer can come from: `boxed`; `math`, the last display or inline math (`\[…\]`, `$$…$$`, `$…$`,
 * `\(…\)`, whichever ends last); `bare`, the whole text when it is math without prose (`x \geq 5`); `number`, the
 * last number in the text.
 */
export type AnswerSource = 'boxed' | 'math' | 'bare' | 'number';

export const DEFAULT_EXTRACTION_ORDER: readonly AnswerSource[] = ['boxed', 'math', 'bare', 'number'];

export interface ExtractedAnswer {
  answer: string;
  from: AnswerSource | 'whole';
}

/** Content of the last `\boxed{…}` (or `\fbox{…}`, `\boxed 5`), braces balanced; null if there is none. */
export function lastBoxed(text: string): string | null {
  const start = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (start < 0) return null;
  let i = start + (text.startsWith('\\boxed', start) ? 6 : 5);
  while (text[i] === ' ') i++;
  if (text[i] !== '{') {
    // `\boxed 5`: the next token
    const bare = /^[^\s$]+/.exec(text.slice(i));
    return bare ? bare[0] : null;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return text.slice(i + 1, j);
  }
  return null;
}

/** The content of the last pair of `open … close` delimiters, or null. */
function lastDelimited(text: string, open: string, close: string): string | null {
  const end = text.lastIndexOf(close);
  if (end < 0) return null;
  const start = text.lastIndexOf(open, end - 1);
  if (start < 0 || start + open.length > end) return null;
  return text.slice(start + open.length, end);
}

/** The last display or inline math, whichever ends later. */
function lastMath(text: string): string | null {
  const display = lastDisplay(text);
  const inline = lastInline(text);
  if (display === null || inline === null) return display ?? inline;
  return text.lastIndexOf(display) + display.length > text.lastIndexOf(inline) + inline.length ? display : inline;
}

/** Words that can stand in a bare math answer; any other word of two or more letters makes the text prose. */
export const MATH_WORDS: ReadonlySet<string> = new Set([
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'ln',
  'log',
  'exp',
  'sqrt',
  'pi',
  'inf',
  'infty',
]);

/** The whole text, when it is math without prose around it (LaTeX commands and single letters only). */
function bareMath(text: string): string | null {
  const words = text
    .replace(/\\(?:text|textnormal|textrm|mathrm|mbox|operatorname|begin|end)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ')
    .match(/[a-zA-Z]{2,}/g);
  return words?.some((w) => !MATH_WORDS.has(w.toLowerCase())) ? null : text;
}

/** The last `\[…\]` or `$$…$$`, whichever ends later. */
function lastDisplay(text: string): string | null {
  const bracket = text.lastIndexOf('\\]');
  const dollars = text.lastIndexOf('$$');
  if (bracket < 0 && dollars < 0) return null;
  if (bracket > dollars) return lastDelimited(text, '\\[', '\\]');
  // The closing $$ is the last one; its opening is the $$ before it.
  const start = text.lastIndexOf('$$', dollars - 1);
  return start < 0 ? null : text.slice(start + 2, dollars);
}

/** The last `$…$` (not `$$`) or `\(…\)`, whichever ends later. */
function lastInline(text: string): string | null {
  const stripped = text.replace(/\$\$[\s\S]*?\$\$/g, (m) => ' '.repeat(m.length));
  const paren = stripped.lastIndexOf('\\)');
  const dollar = stripped.lastIndexOf('$');
  if (paren < 0 && dollar < 0) return null;
  if (paren > dollar) return lastDelimited(stripped, '\\(', '\\)');
  const start = stripped.lastIndexOf('$', dollar - 1);
  return start < 0 ? null : stripped.slice(start + 1, dollar);
}

/**
 * The last number in the text, with its sign, thousands separators, decimals, a fraction bar or a percent sign
 * (`1,000.99`, `-3/4`, `28%`, `.4`); a sentence's full stop after it is not a decimal point.
 */
export function lastNumber(text: string): string | null {
  const numbers = [...text.matchAll(/-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*\/\s*\d+)?\s*(?:%|\\%|percent\b|pct\b)?/g)];
  const last = numbers.at(-1)?.[0];
  return last === undefined ? null : last.replace(/,$/, '').trim();
}

/** The final answer of a model's output, by the first source in `order` that finds one; else the whole text. */
export function extractAnswer(
  text: string,
  order: readonly AnswerSource[] = DEFAULT_EXTRACTION_ORDER,
): ExtractedAnswer {
  const finders: Record<AnswerSource, (t: string) => string | null> = {
    boxed: lastBoxed,
    math: lastMath,
    bare: bareMath,
    number: lastNumber,
  };
  for (const source of order) {
    const found = finders[source](text);
    if (found !== null && found.trim() !== '') return { answer: found.trim(), from: source };
  }
  return { answer: text.trim(), from: 'whole' };
}
