/**
 * Answer metrics: SQuAD-style token F1 and exact match over alias lists, math-answer equivalence, and the unbiased
 * pass@k estimator. All return fractions in [0, 1]; reports turn them into percentages.
 */

/** SQuAD normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function exactMatch(prediction: string, golds: readonly string[]): number {
  const p = normalizeAnswer(prediction);
  return golds.some((g) => normalizeAnswer(g) === p) ? 1 : 0;
}

/** SQuAD token F1, maximised over the gold aliases; yes/no/noanswer must match exactly. */
export function tokenF1(prediction: string, golds: readonly string[]): number {
  const predicted = normalizeAnswer(prediction);
  let best = 0;
  for (const gold of golds) {
    const truth = normalizeAnswer(gold);
    if (['yes', 'no', 'noanswer'].some((s) => s === predicted || s === truth) && predicted !== truth) continue;
    const p = predicted.split(' ').filter(Boolean);
    const g = truth.split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
    let common = 0;
    for (const w of p) {
      const n = counts.get(w) ?? 0;
      if (n > 0) {
        common++;
        counts.set(w, n - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / p.length;
    const recall = common / g.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/** Content of the last \boxed{…} (or \fbox{…}), braces balanced; null if there is none. */
export function lastBoxed(text: string): string | null {
  const start = Math.max(text.lastIndexOf('\\boxed{'), text.lastIndexOf('\\fbox{'));
  if (start < 0) return null;
  const open = text.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/**
 * A math answer in canonical text: boxed content if any, no $, spacing, \left/\right, \text{units}, degree signs,
 * thousands separators or trailing zeros; \frac{a}{b}, \dfrac and a/b as a/b; a lone multiple-choice letter.
 */
export function canonicalMath(answer: string): string {
  let s = lastBoxed(answer) ?? answer;
  s = s
    .replace(/\$/g, '')
    .replace(/\\[,;!: ]/g, '')
    .replace(/\\left|\\right/g, '')
    .replace(/\s+/g, '');
  s = s.replace(/\\(?:text|textbf|mathrm|mbox)\{([^{}]*)\}/g, '$1');
  s = s.replace(/\^\{?\\circ\}?|°/g, '').replace(/\\%|%/g, '');
  s = s.replace(/\\[dt]frac/g, '\\frac').replace(/\\frac(\d)(\d)/g, '\\frac{$1}{$2}');
  s = s.replace(/\\frac\{([^{}]+)\}\{([^{}]+)\}/g, '($1)/($2)');
  s = s.replace(/^\(?([A-Ea-e])\)?$/, (_, letter: string) => letter.toUpperCase());
  s = s.replace(/(\d),(?=\d{3}(\D|$))/g, '$1');
  s = s.replace(/^([a-z]+|\\[a-z]+)=/i, ''); // "x=5" → "5"
  s = s.replace(/(\d+\.\d*?)0+$/, '$1').replace(/\.$/, '');
  s = s.replace(/(cm|m|km|kg|g|s|dollars?|units?|degrees?|inches|feet|meters)$/i, '');
  return s;
}

/** A number the canonical text stands for (integers, decimals, a/b, √n), or null. */
function numericValue(s: string): number | null {
  const plain = s.replace(/^\((.*)\)$/, '$1');
  if (/^-?\d+(\.\d+)?$/.test(plain)) return Number(plain);
  const fraction = /^\(?(-?\d+(?:\.\d+)?)\)?\/\(?(-?\d+(?:\.\d+)?)\)?$/.exec(s);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  const root = /^(-?\d*)\\sqrt\{?(\d+)\}?$/.exec(s);
  if (root) return (root[1] === '' ? 1 : root[1] === '-' ? -1 : Number(root[1])) * Math.sqrt(Number(root[2]));
  return null;
}

/** Whether a predicted math answer equals the gold one, symbolically by canonical text or numerically (1e-6). */
export function mathEquivalent(prediction: string, gold: string): boolean {
  const p = canonicalMath(prediction);
  const g = canonicalMath(gold);
  if (p === g) return true;
  const pv = numericValue(p);
  const gv = numericValue(g);
  return pv !== null && gv !== null && Math.abs(pv - gv) <= 1e-6 * Math.max(1, Math.abs(gv));
}

/** Unbiased pass@k from n samples of which c are correct (Chen et al., 2021): 1 − C(n−c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples, got ${n}`);
  if (n - c < k) return 1;
  let ratio = 1;
  for (let i = n - c + 1; i <= n; i++) ratio *= 1 - k / i;
  return 1 - ratio;
}
