// The math grader on our own cases, several per kind of failure the issue lists, equivalent and not, traps included;
// and on every gold answer of the real MATH500 test file (each must equal itself).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../src-main/benchmarks/grading/extract';
import { parseMathAnswer } from '../../../src-main/benchmarks/grading/math-answer';
import { gradeMath } from '../../../src-main/benchmarks/grading/math-grader';

/** [prediction, gold, equivalent?] */
type Case = [string, string, boolean];

function check(cases: Case[], options = {}) {
  for (const [prediction, gold, expected] of cases) {
    const verdict = gradeMath(prediction, gold, options);
    expect(verdict.correct, `${prediction} against ${gold}: ${verdict.reason}`).toBe(expected);
  }
}

describe('math grader', () => {
  it('finds the answer in free text: boxed, else display, else inline math, else the last number', () => {
    expect(extractAnswer('Answer $ 9 $')).toEqual({ answer: '9', from: 'math' });
    expect(extractAnswer('Answer \\[ 9 \\]')).toEqual({ answer: '9', from: 'math' });
    expect(extractAnswer('x \\geq 5')).toEqual({ answer: 'x \\geq 5', from: 'bare' });
    expect(extractAnswer('first $3$, then \\boxed{4}, so $5$')).toEqual({ answer: '4', from: 'boxed' });
    expect(extractAnswer('$$x = 1$$ and then $y$').answer).toBe('y');
    expect(extractAnswer('so we get 12 apples and then 15.').answer).toBe('15');
    expect(extractAnswer('the number is 1,000.99€').answer).toBe('1,000.99');
    expect(extractAnswer('x', ['boxed'])).toEqual({ answer: 'x', from: 'whole' });
    check([
      ['Answer $ 9 $', '9', true],
      ['Answer \\[ 9 \\]', '9', true],
      ['the number is 1,000.99€', '1000.99', true],
      ['Therefore $x \\geq 5$ is the solution.', 'x \\geq 5', true],
      ['Therefore $x \\geq 5$ is the solution.', 'x > 5', false],
      ['so the answer is 41.', '\\boxed{41}', true],
      ['so the answer is 41.', '14', false],
    ]);
  });

  it('reads LaTeX the old canonicaliser did not know', () => {
    check([
      ['\\cfrac{1}{3}', '\\frac{1}{3}', true],
      ['\\frac3{3}', '1', true],
      ['\\frac12', '0.5', true],
      ['\\sqrt 2+\\sqrt 5', '\\sqrt{2}+\\sqrt{5}', true],
      ['\\sqrt 2+\\sqrt 6', '\\sqrt{2}+\\sqrt{5}', false],
      ['\\left( \\frac{1}{3} \\right)', '1/3', true],
      ['-\\frac{10}{9}', '-10/9', true],
      ['\\frac{10}{9}', '-10/9', false],
      ['125\\textnormal{ miles}', '125', true],
      ['\\sqrt{8}', '2\\sqrt{2}', true],
      ['\\dfrac{\\pi}{2}', '\\frac{\\pi}{2}', true],
      ['1.5708', '\\frac{\\pi}{2}', false],
      ['\\frac{1}{3}', '0.3333', false],
      ['(x+1)^2', 'x^2+2x+1', true],
      ['(x-1)^2', 'x^2+2x+1', false],
      ['2^{10}', '1024', true],
      ['\\sqrt[3]{-8}', '-2', true],
      ['\\binom{5}{2}', '10', true],
      ['90^\\circ', '90', true],
      ['Evelyn', '\\text{Evelyn}', true],
      ['Evelny', '\\text{Evelyn}', false], // words are text, not products of letters
      ['C', '\\text{(C)}', true],
      ['864', '864 \\mbox{ inches}^2', true],
      ['[-2, 7]', 'x \\in [-2,7]', true],
    ]);
  });

  it('reads numbers: decimal commas, a leading point, percent words, and the thousands-or-tuple trap', () => {
    check([
      ['1000,99', '1000.99', true],
      ['0,111', '0.111', true],
      ['.4', '0.4', true],
      ['28 percent', '28\\%', true],
      ['28 pct', '28\\%', true],
      ['28', '28\\%', true],
      ['29\\%', '28\\%', false],
      ['1,000', '1000', true],
      ['1, 000', '1000', false], // a pair, not a number
      ['1,000,000', '10^6', true],
    ]);
  });

  it('takes 0.5 for 50% only where the benchmark says so', () => {
    check([['0.5', '50\\%', false]]);
    check(
      [
        ['0.5', '50\\%', true],
        ['50\\%', '0.5', true],
        ['0.6', '50\\%', false],
      ],
      { percentAsFraction: true },
    );
  });

  it('compares relations with their mirrors, and a single-variable equation with its value', () => {
    check([
      ['x \\geq 5', '5 \\leq x', true],
      ['5 \\le x', 'x \\ge 5', true],
      ['x \\geq 5', 'x > 5', false],
      ['x \\neq 3', 'x != 3', true],
      ['3 \\ne x', 'x \\neq 3', true],
      ['1 < x < 3', '3 > x > 1', true],
      ['1 < x < 3', '1 < x \\le 3', false],
      ['y = 2x + 1', '2x - y + 1 = 0', true],
      ['y = 2x + 2', '2x - y + 1 = 0', false],
      ['x = 5', '5', true],
      ['5', 'x = 5', true],
      ['x = 6', '5', false],
      ['y = 5', 'x = 5', false],
    ]);
  });

  it('compares sets and lists unordered, tuples and intervals ordered, with their brackets', () => {
    check([
      ['-12;-11', '\\{-12, -11\\}', true],
      ['-11, -12', '\\{-12, -11\\}', true],
      ['-12', '\\{-12, -11\\}', false],
      ['(1,2]', '(1, 2]', true],
      ['(1, 2)', '[1, 2]', false],
      ['(2, 1)', '(1, 2)', false],
      ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3, \\pi/2)', true],
      ['(2, \\infty) \\cup (-\\infty, 1)', '(-\\infty, 1) \\cup (2, \\infty)', true],
      ['(3,4), (1,2)', '\\{(1,2), (3,4)\\}', true],
      ['(1,2), (4,3)', '\\{(1,2), (3,4)\\}', false],
      ['x = \\pm 2', '2, -2', true],
      ['1 \\pm \\sqrt{2}', '1+\\sqrt{2}, 1-\\sqrt{2}', true],
      ['\\pm 3', '3', false],
    ]);
  });

  it('compares matrices entry by entry', () => {
    const gold = '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}';
    check([
      ['\\begin{bmatrix}1&2\\\\3&\\frac{8}{2}\\end{bmatrix}', gold, true],
      ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}', gold, false],
      ['\\begin{pmatrix} 1 & 2 \\end{pmatrix}', gold, false],
    ]);
  });

  it('never hangs: deep nesting and very long answers are answered at once, as wrong', () => {
    const deep = `${'('.repeat(50_000)}1${')'.repeat(50_000)}`;
    const long = '1+'.repeat(200_000) + '1';
    const started = performance.now();
    expect(gradeMath(deep, '1').correct).toBe(false);
    expect(gradeMath(long, '200001').correct).toBe(false);
    expect(gradeMath('x^{x^{x^{x}}}', 'x', { timeoutMs: 5 }).correct).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('grades every MATH500 gold answer equal to itself, and parses almost all of them', () => {
    const golds = readFileSync(join(process.cwd(), '..', 'shared', 'benchmarks', 'math500', 'test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { answer: string }).answer);
    expect(golds.length).toBe(500);
    const unequal = golds.filter((g) => !gradeMath(g, g).correct);
    expect(unequal).toEqual([]);
    const asText = golds.filter((g) => parseMathAnswer(g).kind === 'text');
    expect(asText.length).toBeLessThan(40);
  });
});
