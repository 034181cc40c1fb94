/**
 * Finding the final answer in free-form model output: the last `\boxed{}`, else an explicit final-answer statement
 * ("The answer is X", "Final Answer: X"), else the last display math, else the last inline math, else the last
 * number (the order is configurable). Whatever follows the model's turn (a chat template's next turn, a sign-off) is
 * cut first, so it cannot pull the answer away. docs/grading.md lists the rules.
 */

/**
 * Where an answer can come from: `boxed`; `statement`, the value of the last final-answer statement; `math`, the
 * last display or inline math (`\[…\]`, `$$…$$`, `$…$`, `\(…\)`, whichever ends last); `bare`, the whole text when
 * it is math without prose (`x \geq 5`); `number`, the last number in the text.
 */
export type AnswerSource = 'boxed' | 'statement' | 'math' | 'bare' | 'number';

export const DEFAULT_EXTRACTION_ORDER: readonly AnswerSource[] = ['boxed', 'statement', 'math', 'bare', 'number'];

/** What each source is called in a verdict's reason. */
export const SOURCE_NAMES: Record<AnswerSource | 'whole', string> = {
  boxed: 'the last \\boxed{}',
  statement: 'the final-answer statement',
  math: 'the last math',
  bare: 'the whole answer (math without prose)',
  number: 'the last number',
  whole: 'the whole answer (a short phrase)',
};

/**
 * Where the model's own turn ends: a chat template's end-of-turn or next-turn marker. What follows (another turn,
 * a "User:" line) is not the model's answer.
 */
const TURN_END =
  /<\|(?:im_end|eot_id|end|endoftext|im_start|user|assistant|system)\|>|<\/s>|\[INST\]|\n\s*(?:User|Human|Assistant|Question)\s*:/;

/** The model's turn: the text up to the first end-of-turn marker. */
export function ownTurn(text: string): string {
  const end = TURN_END.exec(text);
  return end ? text.slice(0, end.index) : text;
}

/**
 * The value of the last final-answer statement: "the (final) answer is X", "Final Answer: X", "answer: X". A
 * statement's value ends at the end of its sentence; inside it, math or a box wins, and "the smallest $k$ is 17" is
 * 17, the value after the last "is", not the variable before it.
 */
export function lastStatement(text: string): string | null {
  if (!/answer/i.test(text)) return null;
  const statements = [...text.matchAll(/(?:\banswer\b\s*(?:is\s*:?|:|=)|\bfinal\s+answer\b\s*(?:is)?)\s*/gi)];
  const last = statements.at(-1);
  if (!last) return null;
  const rest = text.slice(last.index + last[0].length);
  // The sentence ends at a full stop followed by a space or the end, at a line break, or at "I hope" and the like.
  const value = rest.split(/\.(?=\s|$)|\n|(?:\s|^)(?:I hope|Hope this|I think|Let me know)\b/i)[0]!.trim();
  if (value === '') return null;
  // "The answer is not obvious. … so $x = 5$": a statement without a value, with math or a number after it, is
  // not the final answer.
  const after = rest.slice(rest.indexOf(value) + value.length);
  if (!/[\d$\\]/.test(value) && /[\d$]|\\boxed/.test(after)) return null;
  const boxed = lastBoxed(value);
  if (boxed !== null) return boxed;
  const named = /^(?:.*\s)?(?:is|are|equals)\s+(.+)$/i.exec(value);
  const answer = named ? named[1]! : value;
  const math = lastMath(answer);
  if (math !== null && answer.trim().startsWith('$') && answer.trim().endsWith('$')) return math;
  return answer.trim();
}

export interface ExtractedAnswer {
  answer: string;
  from: AnswerSource | 'whole';
}

/**
 * The last boxed answer: the content of the last `\boxed{…}` (or `\fbox{…}`, `\boxed 5`), braces balanced; several
 * boxes in a row (`\boxed{3}, \boxed{7} and \boxed{11}`, only commas, "and", "or" and dollars between them) are one
 * list of answers, `3, 7, 11`. null if there is none.
 */
export function lastBoxed(text: string): string | null {
  const last = boxAt(text, text.length);
  if (!last) return null;
  const answers = [last.content];
  let before = last.start;
  for (let previous = boxAt(text, before); previous; previous = boxAt(text, before)) {
    if (!/^(?:[\s,;$]|\band\b|\bor\b|\\text\{\s*(?:and|or)\s*\})*$/.test(text.slice(previous.end, before))) break;
    answers.unshift(previous.content);
    before = previous.start;
  }
  return answers.join(', ');
}

/** The last box that starts before `limit`: its content and where it starts and ends. */
function boxAt(text: string, limit: number): { content: string; start: number; end: number } | null {
  if (limit <= 0) return null; // (lastIndexOf reads a negative start as 0)
  const start = Math.max(text.lastIndexOf('\\boxed', limit - 1), text.lastIndexOf('\\fbox', limit - 1));
  if (start < 0) return null;
  const content = boxContent(text, start);
  return content && { ...content, start };
}

function boxContent(text: string, start: number): { content: string; end: number } | null {
  let i = start + (text.startsWith('\\boxed', start) ? 6 : 5);
  while (text[i] === ' ') i++;
  if (text[i] !== '{') {
    // `\boxed 5`: the next token
    const bare = /^[^\s$]+/.exec(text.slice(i));
    return bare ? { content: bare[0], end: i + bare[0].length } : null;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return { content: text.slice(i + 1, j), end: j + 1 };
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

/** Words that join answers in a bare math answer (`(2, 9) and (9, 2)`). */
const JOINING_WORDS: ReadonlySet<string> = new Set(['and', 'or']);

/** The whole text, when it is math without prose around it (LaTeX commands and single letters only). */
function bareMath(text: string): string | null {
  const words = text
    .replace(/\\(?:begin|end)\s*\{[^{}]*\}(?:\{[lcr|\s]*\})?/g, ' ') // an environment and its column spec
    .replace(/\\(?:text|textnormal|textrm|mathrm|mbox|operatorname)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ')
    .match(/[a-zA-Z]{2,}/g);
  // Capitals written together name points, segments and angles (`PQ = 6`, `ABC`): math, not prose.
  const prose = (w: string) =>
    !MATH_WORDS.has(w.toLowerCase()) && !JOINING_WORDS.has(w.toLowerCase()) && !/^[A-Z]{2,3}$/.test(w);
  return words?.some(prose) ? null : text;
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
 * (`1,000.99`, `-3/4`, `28%`, `.4`); a sentence's full stop after it is not a decimal point, and a digit inside a
 * word (`QXR7B`) is no number.
 */
export function lastNumber(text: string): string | null {
  const numbers = [
    ...text.matchAll(
      /(?<![A-Za-z\d])-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*\/\s*\d+)?\s*(?:%|\\%|percent(?:age)?\b|pct\b)?/g,
    ),
  ];
  const last = numbers.at(-1)?.[0];
  return last === undefined ? null : last.replace(/,$/, '').trim();
}

/** The final answer of a model's output, by the first source in `order` that finds one; else the whole text. */
export function extractAnswer(raw: string, order: readonly AnswerSource[] = DEFAULT_EXTRACTION_ORDER): ExtractedAnswer {
  const text = ownTurn(undoubledBackslashes(raw));
  const finders: Record<AnswerSource, (t: string) => string | null> = {
    boxed: lastBoxed,
    statement: lastStatement,
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

/** A whole text can stand as an answer when it is a short phrase (`Evelyn`, `(C)`), not prose that may contain one. */
export function shortPhrase(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length <= 40 && trimmed.split(/\s+/).length <= 4 && !/[.!?]\s/.test(trimmed);
}

/**
 * LaTeX whose backslashes arrived doubled (`\\frac`, as JSON-escaped text often does): when every run of
 * backslashes in the text has an even length and one of them starts a command, each run is halved. A text with any
 * single backslash keeps its `\\` (a matrix's row break).
 */
export function undoubledBackslashes(text: string): string {
  if (!text.includes('\\\\')) return text; // no doubled backslash: nothing to undo (the common case, at once)
  const runs = [...text.matchAll(/\\+/g)];
  if (runs.length === 0 || runs.some((r) => r[0].length % 2 === 1)) return text;
  if (!/\\\\[a-zA-Z]/.test(text)) return text;
  return text.replace(/\\+/g, (run) => run.slice(0, run.length / 2));
}
