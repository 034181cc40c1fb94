/**
 * Conditions on one variable read as the sets they describe: `a < x < b` is the interval (a, b), `x >= a` is [a, ∞),
 * `|x - c| < r` is (c − r, c + r) and `|x - c| > r` the union of the two rays outside it. docs/grading.md.
 */
import { variablesOf, type Expr } from './expression';
import type { MathAnswer, Relation } from './math-answer';

/** A relation read from the other side: `5 <= x` is `x >= 5`. */
export const MIRROR: Record<Relation, Relation> = { '=': '=', '!=': '!=', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/**
 * A condition on an absolute value, `|x - c| < r` (or `r > |x - c|`), as the set it describes: (c − r, c + r) for
 * `<`, (−∞, c − r) ∪ (c + r, ∞) for `>`; `<=` and `>=` close the ends at c ± r. null for anything else.
 */
function absoluteCondition(r: Extract<MathAnswer, { kind: 'relation' }>): MathAnswer | null {
  if (r.ops.length !== 1) return null;
  const [left, right] = r.sides as [Expr, Expr];
  const onLeft = left.kind === 'fn' && left.name === 'abs';
  const abs = onLeft ? left : right;
  const bound = onLeft ? right : left;
  const op = onLeft ? r.ops[0]! : MIRROR[r.ops[0]!];
  if (abs.kind !== 'fn' || abs.name !== 'abs' || variablesOf(bound).size > 0) return null;
  const inner = abs.args[0]!;
  // x, x − c or x + c: the centre c.
  const centre: Expr | null =
    inner.kind === 'var'
      ? { kind: 'num', value: 0 }
      : inner.kind === 'bin' && inner.left.kind === 'var' && variablesOf(inner.right).size === 0
        ? inner.op === '-'
          ? inner.right
          : inner.op === '+'
            ? { kind: 'neg', arg: inner.right }
            : null
        : null;
  if (!centre) return null;
  const low: Expr = { kind: 'bin', op: '-', left: centre, right: bound };
  const high: Expr = { kind: 'bin', op: '+', left: centre, right: bound };
  const end = (e: Expr): MathAnswer => ({ kind: 'expr', expr: e, percent: false });
  const closed = op === '<=' || op === '>=';
  if (op === '<' || op === '<=')
    return { kind: 'tuple', open: closed ? '[' : '(', close: closed ? ']' : ')', items: [end(low), end(high)] };
  if (op !== '>' && op !== '>=') return null;
  return {
    kind: 'union',
    items: [
      { kind: 'tuple', open: '(', close: closed ? ']' : ')', items: [end(MINUS_INFINITY), end(low)] },
      { kind: 'tuple', open: closed ? '[' : '(', close: ')', items: [end(high), end(INFINITY)] },
    ],
  };
}

const INFINITY: Expr = { kind: 'num', value: Infinity };
const MINUS_INFINITY: Expr = { kind: 'num', value: -Infinity };

/**
 * The interval a condition on one variable describes: `a < x < b` is (a, b), `a <= x < b` is [a, b), `x > a` is
 * (a, ∞), `x <= b` is (-∞, b]; mirrored forms too. null for anything else.
 */
export function intervalOf(r: Extract<MathAnswer, { kind: 'relation' }>): MathAnswer | null {
  const absolute = absoluteCondition(r);
  if (absolute) return absolute;
  const increasing = r.ops.every((op) => op === '<' || op === '<=');
  const decreasing = r.ops.every((op) => op === '>' || op === '>=');
  if (!increasing && !decreasing) return null;
  // Written as a < x < b: the smaller end first.
  const ops = increasing ? r.ops : [...r.ops].reverse().map((op) => MIRROR[op]);
  const sides = increasing ? r.sides : [...r.sides].reverse();
  const interval = (low: Expr, lowOp: Relation | null, high: Expr, highOp: Relation | null): MathAnswer => ({
    kind: 'tuple',
    open: lowOp === '<=' ? '[' : '(',
    close: highOp === '<=' ? ']' : ')',
    items: [
      { kind: 'expr', expr: low, percent: false },
      { kind: 'expr', expr: high, percent: false },
    ],
  });
  if (ops.length === 2 && sides[1]!.kind === 'var') return interval(sides[0]!, ops[0]!, sides[2]!, ops[1]!);
  if (ops.length !== 1) return null;
  if (sides[1]!.kind === 'var') return interval(sides[0]!, ops[0]!, INFINITY, null); // a < x
  if (sides[0]!.kind === 'var') return interval(MINUS_INFINITY, null, sides[1]!, ops[0]!); // x < b
  return null;
}
