/**
 * Whether a model's math answer equals the gold one, as a researcher would grade it: the final answer extracted as
 * the reference graders do, both sides parsed (LaTeX or plain), then compared by shape (relations and their mirrors,
 * ordered tuples and intervals, unordered sets and lists, matrices) and by value: expressions are equal when they
 * agree at several points of their variables, to a relative precision. Plain numbers take a fast path. Every
 * comparison has a time budget; parsing is linear and bounded, so an answer can't make the grader hang.
 */
import { evaluate, variablesOf, type Expr } from './expression';
import { DEFAULT_EXTRACTION_ORDER, extractAnswer, shortPhrase, SOURCE_NAMES, type AnswerSource } from './extract';
import { intervalOf, MIRROR } from './intervals';
import { parseMathAnswer, textForm, type MathAnswer } from './math-answer';

export interface MathGraderOptions {
  /** Where to look for the final answer, in order. */
  extraction: readonly AnswerSource[];
  /** Relative precision of numeric equality (absolute below 1). */
  precision: number;
  /** Accept `0.5` for a gold `50\%` (and the reverse): only where the benchmark says so. */
  percentAsFraction: boolean;
  /** Time budget of one comparison; past it the answer counts as wrong, with that reason. */
  timeoutMs: number;
}

export const DEFAULT_MATH_GRADER: MathGraderOptions = {
  extraction: DEFAULT_EXTRACTION_ORDER,
  precision: 1e-6,
  percentAsFraction: false,
  timeoutMs: 50,
};

export interface MathVerdict {
  correct: boolean;
  /** The final answer found in the prediction. */
  extracted: string;
  /**
   * Why, in words, led by the stage that decided it, and where the answer came from: "numeric check: 17 is not 18
   * (answer from the final-answer statement)". Stages: extraction, shape comparison, text comparison, numeric check,
   * time budget.
   */
  reason: string;
}

const STAGES = /(numeric check|text comparison|shape comparison): /;

/** The stage named first in a comparison's reason leads it; the answer's source follows. */
function reasonOf(detail: string, from: AnswerSource | 'whole'): string {
  const stage = STAGES.exec(detail);
  const text = stage ? `${stage[1]}: ${detail.replace(STAGES, '')}` : `shape comparison: ${detail}`;
  return `${text} (answer from ${SOURCE_NAMES[from]})`;
}

class OutOfTime extends Error {}

/** Points at which expressions with variables are compared (away from 0 and 1, where many identities coincide). */
const SAMPLE_POINTS = [0.7312, 1.4137, 2.2906, 0.3171, 3.0857];

export function gradeMath(prediction: string, gold: string, options: Partial<MathGraderOptions> = {}): MathVerdict {
  const settings = { ...DEFAULT_MATH_GRADER, ...options };
  // Fast path first: a plain number against a plain number needs no extraction.
  const [n, m] = [plainNumber(prediction), plainNumber(gold)];
  if (n !== null && m !== null) return numbers(n, m, settings.precision, prediction.trim(), 'the whole answer');
  const { answer: extracted, from } = extractAnswer(prediction, settings.extraction);
  const goldAnswer = extractAnswer(gold, ['boxed']).answer;
  // Nothing extracted from prose: wrong, never "equal as text" to a gold the prose happens to contain.
  if (from === 'whole' && !shortPhrase(extracted))
    return {
      correct: false,
      extracted,
      reason: 'extraction: no final answer found (no \\boxed{}, answer statement, math or number)',
    };
  // The same fast path for numbers found in text (`$5$`, "the answer is 5").
  const a = plainNumber(extracted);
  const b = plainNumber(goldAnswer);
  if (a !== null && b !== null) return numbers(a, b, settings.precision, extracted, SOURCE_NAMES[from]);
  const deadline = performance.now() + settings.timeoutMs;
  try {
    const goldShape = parseMathAnswer(goldAnswer);
    const verdict = same(parseMathAnswer(extracted), goldShape, settings, deadline);
    if (verdict !== true) return { correct: false, extracted, reason: reasonOf(verdict, from) };
    const stage = { expr: 'numeric check', text: 'text comparison' }[goldShape.kind as string] ?? 'shape comparison';
    return { correct: true, extracted, reason: reasonOf(`${stage}: equivalent`, from) };
  } catch (error) {
    if (error instanceof OutOfTime)
      return { correct: false, extracted, reason: `time budget: timed out after ${settings.timeoutMs} ms` };
    throw error;
  }
}

/** Two plain numbers compared without parsing; `source` says where the prediction's number came from. */
function numbers(a: number, b: number, precision: number, extracted: string, source: string): MathVerdict {
  const correct = close(a, b, precision);
  return {
    correct,
    extracted,
    reason: `numeric check: ${correct ? 'equal as numbers' : `${a} is not ${b}`} (answer from ${source})`,
  };
}

/** The old entry point: true when equivalent. */
export function mathEquivalent(prediction: string, gold: string, options?: Partial<MathGraderOptions>): boolean {
  return gradeMath(prediction, gold, options).correct;
}

function plainNumber(s: string): number | null {
  return /^-?(?:\d+(?:\.\d+)?|\.\d+)$/.test(s.trim()) ? Number(s) : null;
}

function close(a: number, b: number, precision: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= precision * Math.max(1, Math.abs(a), Math.abs(b));
}

/** `true`, or why not. */
function same(p: MathAnswer, g: MathAnswer, o: MathGraderOptions, deadline: number): true | string {
  if (performance.now() > deadline) throw new OutOfTime();
  // `-12 < b < 5` against `(-12, 5)` (either way round): the interval a condition on one variable describes.
  if (p.kind === 'relation' && (g.kind === 'tuple' || g.kind === 'union')) {
    const interval = intervalOf(p);
    if (interval) return same(interval, g, o, deadline);
  }
  if (g.kind === 'relation' && (p.kind === 'tuple' || p.kind === 'union')) {
    const interval = intervalOf(g);
    if (interval) return same(p, interval, o, deadline);
  }
  // `x = 5` against `5` (either way round): the value of a single-variable equation.
  if (p.kind === 'relation' && g.kind !== 'relation') {
    const value = assignedValue(p);
    return value ? same(value, g, o, deadline) : `a relation against a ${g.kind}`;
  }
  if (g.kind === 'relation' && p.kind !== 'relation') {
    const value = assignedValue(g);
    return value ? same(p, value, o, deadline) : `a ${p.kind} against a relation`;
  }
  // A list against a set (or a tuple of one shape against a set of them) compares unordered.
  if (
    p.kind === 'tuple' &&
    g.kind === 'set' &&
    g.items.every((i) => i.kind === 'tuple') &&
    p.items.every((i) => i.kind !== 'tuple')
  )
    return same({ kind: 'set', items: [p] }, g, o, deadline);
  if (p.kind !== g.kind) return `a ${p.kind} against a ${g.kind}`;
  switch (g.kind) {
    case 'expr':
      return sameExpr((p as typeof g).expr, g.expr, o, deadline, (p as typeof g).percent, g.percent);
    case 'text':
      return (p as typeof g).text === g.text ? true : `text comparison: "${(p as typeof g).text}" is not "${g.text}"`;
    case 'relation':
      return sameRelation(p as typeof g, g, o, deadline);
    case 'tuple': {
      const t = p as typeof g;
      if (t.open !== g.open || t.close !== g.close) return `brackets ${t.open}${t.close} against ${g.open}${g.close}`;
      if (t.items.length !== g.items.length) return `${t.items.length} items against ${g.items.length}`;
      for (const [i, item] of g.items.entries()) {
        const verdict = same(t.items[i]!, item, o, deadline);
        if (verdict !== true) return `item ${i + 1}: ${verdict}`;
      }
      return true;
    }
    case 'set':
    case 'union':
      return sameUnordered((p as typeof g).items, g.items, o, deadline);
    case 'matrix': {
      const m = p as typeof g;
      if (m.rows.length !== g.rows.length || m.rows.some((row, i) => row.length !== g.rows[i]!.length))
        return 'matrices of different sizes';
      for (const [i, row] of g.rows.entries())
        for (const [j, cell] of row.entries()) {
          const verdict = sameExpr(m.rows[i]![j]!, cell, o, deadline, false, false);
          if (verdict !== true) return `entry (${i + 1}, ${j + 1}): ${verdict}`;
        }
      return true;
    }
  }
}

/**
 * The value a relation states: the right side of `x = expr` (or the left of `expr = x`) when the other side is a
 * lone variable, and the last side of a chain of equalities (`y = 3+4+2 = 9` means 9; `\approx` reads as `=`).
 */
function assignedValue(r: Extract<MathAnswer, { kind: 'relation' }>): MathAnswer | null {
  if (r.ops.length > 1 && r.ops.every((op) => op === '='))
    return { kind: 'expr', expr: r.sides.at(-1)!, percent: false };
  if (r.ops.length !== 1 || r.ops[0] !== '=') return null;
  const [left, right] = r.sides as [Expr, Expr];
  if (isName(left)) return { kind: 'expr', expr: right, percent: false };
  if (isName(right)) return { kind: 'expr', expr: left, percent: false };
  return null;
}

/** A name a value is given to: a variable, or letters written together (`PQ = 6`, read as P·Q). */
function isName(e: Expr): boolean {
  return e.kind === 'var' || (e.kind === 'bin' && e.op === '*' && isName(e.left) && isName(e.right));
}

function sameRelation(
  p: Extract<MathAnswer, { kind: 'relation' }>,
  g: Extract<MathAnswer, { kind: 'relation' }>,
  o: MathGraderOptions,
  deadline: number,
): true | string {
  if (p.ops.length !== g.ops.length) return 'relations of different lengths';
  const sidesMatch = (sides: Expr[]) =>
    sides.every((side, i) => sameExpr(side, g.sides[i]!, o, deadline, false, false) === true);
  if (p.ops.every((op, i) => op === g.ops[i]) && sidesMatch(p.sides)) return true;
  // The mirror: `5 <= x` is `x >= 5`; `a = b` is `b = a`.
  const mirrored = [...p.ops].reverse().map((op) => MIRROR[op]);
  if (mirrored.every((op, i) => op === g.ops[i]) && sidesMatch([...p.sides].reverse())) return true;
  // An equation moved around: `y = 2x + 1` is `2x - y + 1 = 0` (same solutions, up to a factor).
  if (p.ops.length === 1 && g.ops[0] === '=' && p.ops[0] === '=') {
    const difference = (r: typeof p): Expr => ({ kind: 'bin', op: '-', left: r.sides[0]!, right: r.sides[1]! });
    if (proportional(difference(p), difference(g), o, deadline)) return true;
  }
  return `relation ${p.ops.join(' ')} differs from ${g.ops.join(' ')}`;
}

function sameUnordered(p: MathAnswer[], g: MathAnswer[], o: MathGraderOptions, deadline: number): true | string {
  if (p.length !== g.length) return `${p.length} items against ${g.length}`;
  const left = [...p];
  for (const item of g) {
    const match = left.findIndex((candidate) => same(candidate, item, o, deadline) === true);
    if (match < 0) return `nothing matches ${describe(item)}`;
    left.splice(match, 1);
  }
  return true;
}

function describe(answer: MathAnswer): string {
  return answer.kind === 'text' ? `"${answer.text}"` : `an item (${answer.kind})`;
}

/** Every assignment of the variables the two expressions use, at the sample points. */
function scopes(a: Expr, b: Expr): Record<string, number>[] {
  const names = [...variablesOf(b, variablesOf(a))];
  if (names.length === 0) return [{}];
  return SAMPLE_POINTS.map((_, k) =>
    Object.fromEntries(names.map((name, v) => [name, SAMPLE_POINTS[(k + v) % SAMPLE_POINTS.length]! + v * 0.173])),
  );
}

function sameExpr(
  p: Expr,
  g: Expr,
  o: MathGraderOptions,
  deadline: number,
  pPercent: boolean,
  gPercent: boolean,
): true | string {
  let compared = 0;
  for (const scope of scopes(p, g)) {
    if (performance.now() > deadline) throw new OutOfTime();
    const a = evaluate(p, scope);
    const b = evaluate(g, scope);
    if (Number.isNaN(a) && Number.isNaN(b)) continue; // outside both domains: no evidence either way
    compared++;
    if (close(a, b, o.precision)) continue;
    // 50% against 0.5, only where the benchmark allows it.
    if (
      o.percentAsFraction &&
      pPercent !== gPercent &&
      close(pPercent ? a / 100 : a, gPercent ? b / 100 : b, o.precision)
    )
      continue;
    const at = Object.entries(scope)
      .map(([name, value]) => `${name} = ${value.toFixed(3)}`)
      .join(', ');
    return `numeric check: ${at ? `different values at ${at} (${a} against ${b})` : `${a} is not ${b}`}`;
  }
  return compared > 0 ? true : 'numeric check: no point where both are defined';
}

/** f = c·g for some constant c ≠ 0 at every sample point (an equation rearranged or scaled). */
function proportional(f: Expr, g: Expr, o: MathGraderOptions, deadline: number): boolean {
  let ratio: number | null = null;
  for (const scope of scopes(f, g)) {
    if (performance.now() > deadline) throw new OutOfTime();
    const a = evaluate(f, scope);
    const b = evaluate(g, scope);
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(b) < 1e-12) continue;
    const r = a / b;
    if (ratio === null) ratio = r;
    else if (!close(r, ratio, o.precision)) return false;
  }
  return ratio !== null && Math.abs(ratio) > 1e-12;
}

export { textForm };
