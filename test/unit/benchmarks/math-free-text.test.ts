// Scoring round two: the answer a model meant. Our own cases, several per kind the issue names, equivalent and not,
// written from its descriptions and the shared files' answer formats; every verdict's reason names its stage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../src-main/benchmarks/grading/extract';
import { gradeMath } from '../../../src-main/benchmarks/grading/math-grader';

/** [prediction, gold, equivalent?] */
type Case = [string, string, boolean];

function check(cases: Case[]) {
  for (const [prediction, gold, expected] of cases) {
    const verdict = gradeMath(prediction, gold);
    expect(verdict.correct, `${prediction} against ${gold}: ${verdict.reason}`).toBe(expected);
  }
}

describe('which answer in free text', () => {
  it('prefers an explicit final-answer statement, and takes the value after "is", not the variable before it', () => {
    expect(extractAnswer('Final Answer: The smallest $k$ is 17.')).toEqual({ answer: '17', from: 'statement' });
    expect(extractAnswer('Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.')).toEqual({
      answer: '\\frac{3}{4}',
      from: 'statement',
    });
    check([
      ['Final Answer: The smallest $k$ is 17.', '17', true],
      ['Final Answer: The smallest $k$ is 17.', 'k', false],
      ['The final answer is 4,500,210. Hope this helps.', '4500210', true],
      ['We compute $2+3 = 5$ and $x = 4$, so the answer is 9.', '9', true],
      ['We compute $2+3 = 5$ and $x = 4$, so the answer is 9.', '4', false],
      ['The answer is: 12', '12', true],
      ['Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.', '0.75', true],
    ]);
  });

  it('ignores what follows the model’s turn: a chat template’s next turn or a sign-off', () => {
    check([
      ['So $x = \\boxed{6}$.<|im_end|>\n<|im_start|>user\nNow $\\boxed{7}$?', '6', true],
      ['The answer is $12$.</s>User: thanks, and 5?', '12', true],
      ['The answer is $12$.<|eot_id|>13', '13', false],
      ['Thus the total is $48$.\nUser: what about 50?', '48', true],
    ]);
  });

  it('a statement with no value does not hide the math after it', () => {
    expect(extractAnswer('The answer is not obvious. Solving, $x = 5$.').answer).toBe('x = 5');
    check([['The answer is not obvious. Solving, $x = 5$.', '5', true]]);
  });
});

describe('chains and approximations', () => {
  it('a chain of equalities or an approximation ends in its answer', () => {
    check([
      ['$y = 3+4+2 = 9$', '9', true],
      ['$y = 3+4+2 = 9$', '3', false],
      ['$t \\approx 42$', '42', true],
      ['$t \\approx 42$', '41', false],
      ['$A = \\frac{1}{2} \\cdot 6 \\cdot 4 = 12$', '12', true],
      ['so $x = 2 + 2 = 4$', '4', true],
    ]);
  });
});

describe('several answers', () => {
  it('boxes in a row are a set; "and" and "or" join answers; named tuples give their values', () => {
    expect(extractAnswer('So $x = \\boxed{3}$, $\\boxed{7}$ and $\\boxed{11}$.').answer).toBe('3, 7, 11');
    // Boxes apart, in different sentences: the last one is the answer.
    expect(extractAnswer('First \\boxed{2}. Then after more work we get \\boxed{5}.').answer).toBe('5');
    check([
      ['\\boxed{3}, \\boxed{7}, \\boxed{11}', '3, 7, 11', true],
      ['\\boxed{11}, \\boxed{3}, \\boxed{7}', '\\{3, 7, 11\\}', true],
      ['\\boxed{3}, \\boxed{7}', '3, 7, 11', false],
      ['(2, 9) and (9, 2)', '(2, 9), (9, 2)', true],
      ['(a, b) = (2, 9) \\text{ or } (9, 2)', '(9,2), (2,9)', true],
      ['\\boxed{(2, 9)}, \\boxed{(9, 2)}', '(2, 9), (9, 2)', true],
      ['(2, 9) and (9, 3)', '(2, 9), (9, 2)', false],
      ['(a, b) = (4, 1)', '(4, 1)', true],
      ['(a, b) = (4, 1)', '(1, 4)', false],
      ['PQ = 6, RS = 8', '6, 8', true],
      ['PQ = 6, RS = 9', '6, 8', false],
    ]);
  });
});

describe('intervals and inequalities', () => {
  it('a condition on one variable equals the interval it describes', () => {
    check([
      ['-12 < b < 5', '(-12, 5)', true],
      ['-12 \\le b < 5', '[-12, 5)', true],
      ['-12 < b < 5', '[-12, 5)', false],
      ['5 > b > -12', '(-12, 5)', true],
      ['(-12, 5)', '-12 < b < 5', true],
      ['x > 3', '(3, \\infty)', true],
      ['x \\le 3', '(-\\infty, 3]', true],
      ['x < 3', '(-\\infty, 3]', false],
      ['x \\ge 3', '(3, \\infty)', false],
    ]);
  });
});

describe('matrices', () => {
  it('a bracketed array is a matrix like pmatrix', () => {
    check([
      [
        '\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]',
        '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
        true,
      ],
      [
        '\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 5 \\end{array}\\right]',
        '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
        false,
      ],
      [
        '\\left(\\begin{matrix} 0 \\\\ \\frac{1}{2} \\end{matrix}\\right)',
        '\\begin{pmatrix} 0 \\\\ 0.5 \\end{pmatrix}',
        true,
      ],
    ]);
  });
});

describe('numbers as people write them', () => {
  it('reads space and LaTeX thousands separators, currency and percentage words', () => {
    check([
      ['2 500', '2500', true],
      ['2\\,500', '2500', true],
      ['7,\\!250,\\!114', '7250114', true],
      ['7,\\!250,\\!114', '7250214', false],
      ['\\$3,\\!020.75', '3020.75', true],
      ['1{,}000', '1000', true],
      ['45 percentage', '45\\%', true],
      ['45 percent', '45', true],
      ['46 percent', '45', false],
    ]);
  });
});

describe('escaped LaTeX', () => {
  it('reads answers whose backslashes arrived doubled', () => {
    check([
      ['\\\\frac{1}{2}', '\\frac{1}{2}', true],
      ['$\\\\left(3, \\\\frac{\\\\pi}{2}\\\\right)$', '\\left( 3, \\frac{\\pi}{2} \\right)', true],
      ['\\\\boxed{\\\\sqrt{2}}', '\\sqrt{2}', true],
      ['\\\\frac{1}{3}', '\\frac{1}{2}', false],
    ]);
    // A matrix's row break keeps its two backslashes when the rest is single.
    check([
      ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', true],
    ]);
  });
});

describe('strict where it matters', () => {
  it('a digit inside a word is no number; prose without an answer is wrong, not equal as text', () => {
    expect(extractAnswer('The code is QXR7B').from).not.toBe('number');
    check([
      ['The code word was QXR7B', '7', false],
      ['I could not solve it, but the problem mentions Evelyn many times', 'Evelyn', false],
      ['Evelyn', '\\text{Evelyn}', true],
      ['(C)', '\\text{(C)}', true],
    ]);
    expect(gradeMath('I could not solve it, but Evelyn was mentioned', 'Evelyn').reason).toMatch(/^extraction: /);
  });
});

describe("a verdict's reason names the stage that decided it", () => {
  it('extraction, shape comparison, text comparison, numeric check; and where the answer came from', () => {
    expect(gradeMath('The answer is 17.', '18').reason).toBe(
      'numeric check: 17 is not 18 (answer from the final-answer statement)',
    );
    expect(gradeMath('so \\boxed{(1, 2)}', '\\{1, 2\\}').reason).toMatch(
      /^shape comparison: .*\(answer from the last \\boxed\{\}\)$/,
    );
    expect(gradeMath('$x^2$', 'x^3').reason).toMatch(/^numeric check: different values at x = /);
    expect(gradeMath('Evelyn', '\\text{Evelina}').reason).toMatch(/^text comparison: "evelyn" is not "evelina"/);
    expect(gradeMath('$\\frac{1}{2}$', '0.5').reason).toBe('numeric check: equivalent (answer from the last math)');
  });
});

describe('the shared gold answers, in sentences and with chat-template tails', () => {
  const golds = (suite: string) =>
    readFileSync(join(import.meta.dirname, '../../../../shared/benchmarks', suite, 'test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => String((JSON.parse(line) as { answer: unknown }).answer));

  it('grades every MATH500 and AIME gold equal to itself, stated in a sentence, and followed by a next turn', () => {
    const counts = { alone: 0, statement: 0, tail: 0, total: 0 };
    for (const suite of ['math500', 'aime24', 'aime25']) {
      for (const gold of golds(suite)) {
        counts.total++;
        if (gradeMath(gold, gold).correct) counts.alone++;
        if (gradeMath(`Therefore, the final answer is $${gold}$. I hope it is correct.`, gold).correct)
          counts.statement++;
        if (
          gradeMath(`So the answer is $\\boxed{${gold}}$.<|im_end|>\n<|im_start|>user\nThanks! $\\boxed{0}$`, gold)
            .correct
        )
          counts.tail++;
      }
    }
    expect(counts.alone).toBe(counts.total);
    expect(counts.tail).toBe(counts.total);
    expect(counts.statement / counts.total).toBeGreaterThan(0.97);
  });
});

describe('conditions on an absolute value', () => {
  it('equal the interval, or the union of rays, they describe', () => {
    check([
      ['|w| < 3', '(-3, 3)', true],
      ['|w| \\le 3', '[-3, 3]', true],
      ['|w| < 3', '[-3, 3]', false],
      ['|w - 1| < 2', '(-1, 3)', true],
      ['|w + 1| \\le 2', '[-3, 1]', true],
      ['|w| > 3', '(-\\infty, -3) \\cup (3, \\infty)', true],
      ['|w| \\ge 3', '(-\\infty, -3] \\cup [3, \\infty)', true],
      ['|w| > 3', '(-\\infty, -3] \\cup [3, \\infty)', false],
      ['(-\\infty, -2) \\cup (2, \\infty)', '|w| > 2', true],
      ['3 > |w|', '(-3, 3)', true],
    ]);
  });
});

describe('matrix arithmetic', () => {
  it('a sum, difference, scalar multiple or product of matrices is evaluated before comparing', () => {
    const m = (body: string) => `\\begin{pmatrix} ${body} \\end{pmatrix}`;
    check([
      [`${m('1 \\\\ 2')} + ${m('3 \\\\ 4')}`, m('4 \\\\ 6'), true],
      [`${m('1 \\\\ 2')} + ${m('3 \\\\ 4')}`, m('4 \\\\ 7'), false],
      [`2${m('1 & 0 \\\\ 0 & 1')} - ${m('1 & 1 \\\\ 1 & 1')}`, m('1 & -1 \\\\ -1 & 1'), true],
      [`${m('1 & 2 \\\\ 3 & 4')}${m('1 \\\\ 1')}`, m('3 \\\\ 7'), true],
      [`${m('1 & 2 \\\\ 3 & 4')} \\cdot ${m('0 & 1 \\\\ 1 & 0')}`, m('2 & 1 \\\\ 4 & 3'), true],
      [`${m('1 & 2 \\\\ 3 & 4')}${m('0 & 1 \\\\ 1 & 0')}`, m('1 & 2 \\\\ 3 & 4'), false],
      [`${m('1 \\\\ 2')} + ${m('1 & 2')}`, m('2 \\\\ 4'), false], // sizes that do not add: not a matrix
    ]);
  });
});
