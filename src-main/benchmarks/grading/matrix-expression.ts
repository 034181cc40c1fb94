/**
 * Matrices as answers: one matrix environment (`pmatrix`, `bmatrix`, `array`, …, also inside brackets), or a sum,
 * difference or product of them with scalar factors (`2\begin{pmatrix}…\end{pmatrix} - \begin{pmatrix}…\end{pmatrix}`),
 * evaluated entry by entry into one matrix of expressions before it is compared. docs/grading.md.
 */
import { parseExpression, type Expr } from './expression';

const ENVIRONMENT = /\\begin\{([pbvBV]?matrix|smallmatrix|array)\}(?:\{[^}]*\})?([\s\S]*?)\\end\{\1\}/g;

function rowsOf(body: string): Expr[][] {
  return body
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter(Boolean)
    .map((row) => row.split('&').map((cell) => parseExpression(cell)));
}

const bin = (op: '+' | '-' | '*', left: Expr, right: Expr): Expr => ({ kind: 'bin', op, left, right });

function combine(a: Expr[][], b: Expr[][], op: '+' | '-'): Expr[][] | null {
  if (a.length !== b.length || a.some((row, i) => row.length !== b[i]!.length)) return null;
  return a.map((row, i) => row.map((cell, j) => bin(op, cell, b[i]![j]!)));
}

function product(a: Expr[][], b: Expr[][]): Expr[][] | null {
  if (a.some((row) => row.length !== b.length)) return null;
  return a.map((row) =>
    b[0]!.map((_, j) => row.map((cell, k) => bin('*', cell, b[k]![j]!)).reduce((sum, term) => bin('+', sum, term))),
  );
}

/**
 * The matrix an answer denotes, or null when it is not made of matrices. Between matrices only `+`, `-`, `\cdot`,
 * `\times`, nothing (a product) and a scalar factor before a matrix may stand; anything else is not a matrix answer.
 */
export function matrixAnswer(text: string): Expr[][] | null {
  const s = text.trim().replace(/^[[(]\s*(\\begin[\s\S]*\\end\{[a-zA-Z]+\})\s*[\])]$/, '$1');
  const environments = [...s.matchAll(ENVIRONMENT)];
  if (environments.length === 0) return null;
  let result: Expr[][] | null = null;
  let at = 0;
  for (const environment of environments) {
    const gap = s.slice(at, environment.index).trim();
    const parts = /^([+-]|\\cdot|\\times)?\s*(.*)$/s.exec(gap)!;
    const [op, scalarText] = [parts[1], parts[2]!.trim()];
    let matrix = rowsOf(environment[2]!);
    if (scalarText !== '' && scalarText !== '-') {
      const scalar = parseExpression(scalarText);
      matrix = matrix.map((row) => row.map((cell) => bin('*', scalar, cell)));
    } else if (scalarText === '-')
      matrix = matrix.map((row) => row.map((cell) => ({ kind: 'neg', arg: cell }) as Expr));
    if (result === null) {
      if (op === '+' || op === '\\cdot' || op === '\\times') return null;
      result = op === '-' ? matrix.map((row) => row.map((cell) => ({ kind: 'neg', arg: cell }) as Expr)) : matrix;
    } else if (op === '+' || op === '-') result = combine(result, matrix, op);
    else result = product(result, matrix);
    if (result === null) return null;
    at = environment.index + environment[0].length;
  }
  return s.slice(at).trim() === '' ? result : null;
}
