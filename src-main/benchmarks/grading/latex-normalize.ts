/**
 * LaTeX and plain-text answers brought to one plain notation before parsing: no math delimiters, spacing or sizing
 * commands; `\dfrac`/`\cfrac` as `\frac`; text and units dropped; relations as `<=`, `>=`, `!=`; a percent sign or
 * word noted and removed; decimal commas as points. What is left is read by latex-parse.ts.
 */

export interface NormalizedAnswer {
  text: string;
  /** The answer carried a percent sign or word (`28\%`, `28 percent`, `28 pct`). */
  percent: boolean;
}

const SPACING = /(?<!\\)\\(?:[,;:! ]|quad|qquad|displaystyle|textstyle|left|right|big|Big|bigg|Bigg)(?![a-zA-Z])|~/g;
const TEXT_COMMANDS =
  /\\(?:text|textnormal|textrm|textit|textbf|mathrm|mathbf|mathit|mbox|operatorname|textup)\s*\{([^{}]*)\}/g;
const RELATIONS: [RegExp, string][] = [
  [/\\(?:leqslant|leq|le)(?![a-zA-Z])|≤|=</g, '<='],
  [/\\(?:geqslant|geq|ge)(?![a-zA-Z])|≥|=>/g, '>='],
  [/\\(?:neq|ne)(?![a-zA-Z])|≠|\\not=/g, '!='],
  [/\\lt(?![a-zA-Z])/g, '<'],
  // An approximation states its value: `t \approx 42` is read as `t = 42` (then compared exactly).
  [/\\approx(?![a-zA-Z])|≈/g, '='],
  [/\\gt(?![a-zA-Z])/g, '>'],
];
/** Words after a number that only name its unit or currency. */
const UNIT_WORDS =
  /(?:square|sq\.?|cubic|centimeters?|centimetres?|meters?|metres?|kilometers?|kilometres?|millimeters?|cm|mm|km|m|kg|g|grams?|kilograms?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|s|h|min|miles?|mph|feet|foot|ft|inches|inch|in|yards?|units?|dollars?|cents?|euros?|pounds?|degrees?|people|students?|apples?|cookies?|marbles?|ways?|times)/;

export function normalizeLatex(raw: string): NormalizedAnswer {
  let s = raw.trim();
  s = s
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\\(|\\\)$/g, '')
    .replace(/^\\\[|\\\]$/g, '');
  s = s.replace(/\\\$|\$/g, ''); // dollar signs left inside are currency
  // Thousands separators people write: `7,\!250`, `1{,}000` (and `2 500` below, once spacing is plain).
  s = s.replace(/(\d)(?:,\\!|\{,\})(?=\d{3}(?!\d))/g, '$1,');
  s = s.replace(TEXT_COMMANDS, ' $1 ');
  s = s.replace(/\\[dtc]frac/g, '\\frac');
  s = s.replace(SPACING, ' ');
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?|°|\\degree/g, '');
  for (const [pattern, replacement] of RELATIONS) s = s.replace(pattern, replacement);
  s = s.replace(/[€£¥]/g, '');
  let percent = false;
  s = s.replace(/\s*(?:\\%|%|\bpercent(?:age)?s?\b|\bpct\b)/g, () => {
    percent = true;
    return '';
  });
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/\.$/, '').trim(); // a full stop after the answer
  // Unit words after a number (`125 miles`, `4 square feet`): only when a number comes before them.
  const unit = `(?:${UNIT_WORDS.source})(?:\\s*\\^\\{?[23]\\}?)?`;
  s = s.replace(new RegExp(`(\\d|\\})\\s*${unit}(?:\\s+${unit})*\\s*$`, 'i'), '$1');
  // `x \in [-2, 7]`: the set the variable lies in.
  s = s.replace(/^[a-zA-Z]\s*\\in\s*/, '');
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/ /g, ''); // `2 500`, `2\,500`
  s = readNumberCommas(s);
  return { text: s.trim(), percent };
}

/**
 * Commas inside numbers, read only where they can't separate items: a whole answer `1,000` or `1,000,000.5` has
 * thousands separators, a whole answer `1000,99`, `0,111` or `3,5` a decimal comma; inside a longer answer only
 * `1,000.99` is a number. A comma followed by a space always separates items (`1, 000` is a pair).
 */
function readNumberCommas(s: string): string {
  if (/^-?\d+(?:,\d+)+(?:\.\d+)?$/.test(s)) {
    if (/^-?(?:[1-9]\d{0,2})(?:,\d{3})+(?:\.\d+)?$/.test(s)) return s.replace(/,/g, '');
    const parts = s.split(',');
    if (parts.length === 2 && !s.includes('.')) return `${parts[0]}.${parts[1]}`;
    return s.replace(/,/g, ', ');
  }
  return s.replace(/(?<![\d,.])\d{1,3}(?:,\d{3})+\.\d+/g, (number) => number.replace(/,/g, ''));
}
