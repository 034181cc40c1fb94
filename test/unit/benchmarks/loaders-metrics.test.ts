import { describe, expect, it } from 'vitest';
import { loadBenchmarkFile } from '../../../src-main/benchmarks/loaders';
import { exactMatch, expectedBestOfK, mathEquivalent, passAtK, tokenF1 } from '../../../src-main/benchmarks/metrics';
import { BENCHMARKS } from '../../../src-main/benchmarks/registry';

describe('loaders for the formats not shipped in shared/ (small files of our own)', () => {
  it('MATH: JSON array or JSONL, gold = last \\boxed{} of the solution', () => {
    const json = JSON.stringify([
      { problem: 'What is $1+1$?', level: 'Level 1', type: 'Algebra', solution: 'Clearly $1+1=\\boxed{2}$.' },
    ]);
    expect(loadBenchmarkFile(json, 'math')[0]).toMatchObject({
      question: 'What is $1+1$?',
      answers: ['2'],
      meta: { level: 'Level 1' },
    });
    expect(() => loadBenchmarkFile('{"problem": "p", "solution": "no box"}', 'math')).toThrow(
      /line 1, field "solution": has no \\boxed/,
    );
  });

  it('GAIA (Final answer or answer), HLE, xbench, FRAMES (TSV and JSONL)', () => {
    expect(
      loadBenchmarkFile('{"task_id": "t1", "Question": "Q?", "Final answer": "42", "Level": 1}', 'gaia')[0],
    ).toMatchObject({ answers: ['42'], meta: { task_id: 't1', Level: 1 } });
    expect(
      loadBenchmarkFile('{"id": "h1", "question": "Q?", "answer": "B", "answer_type": "multipleChoice"}', 'hle')[0],
    ).toMatchObject({ answers: ['B'] });
    expect(loadBenchmarkFile('{"question": "Q?", "answer": ["x", "y"]}', 'qa_aliases')[0]!.answers).toEqual(['x', 'y']);
    const tsv = 'Unnamed: 0\tPrompt\tAnswer\twiki_links\n0\tWho?\tAda\t[]\n';
    expect(loadBenchmarkFile(tsv, 'frames')[0]).toMatchObject({
      question: 'Who?',
      answers: ['Ada'],
      meta: { wiki_links: '[]' },
    });
    expect(loadBenchmarkFile('{"Prompt": "Who?", "Answer": "Ada"}', 'frames')).toHaveLength(1);
  });

  it('the registry lists the 14 benchmarks plus SimpleQA with lower-case ids', () => {
    expect(BENCHMARKS.map((b) => b.id)).toEqual([
      'aime24',
      'aime25',
      'math500',
      'gsm8k',
      'math',
      'hotpotqa',
      '2wiki',
      'musique',
      'bamboogle',
      'gaia',
      'hle',
      'webwalker',
      'xbench',
      'frames',
      'simpleqa',
    ]);
  });
});

describe('metrics', () => {
  it('token F1 and EM over aliases, SQuAD-normalised', () => {
    expect(tokenF1('The Eiffel Tower', ['eiffel tower'])).toBe(1);
    expect(tokenF1('Paris France', ['Paris'])).toBeCloseTo(2 / 3, 10);
    expect(tokenF1('yes', ['no'])).toBe(0);
    expect(exactMatch('the Big Apple!', ['NYC', 'Big Apple'])).toBe(1);
  });

  it('math equivalence: boxed, fractions, roots, separators, units, letters, decimals', () => {
    const equal: [string, string][] = [
      ['\\boxed{\\frac{1}{2}}', '0.5'],
      ['\\dfrac{3}{4}', '3/4'],
      ['$1,000$', '1000'],
      ['2\\sqrt{2}', '2.8284271247461903'],
      ['(B)', 'B'],
      ['90^\\circ', '90'],
      ['5 \\text{ cm}', '5'],
      ['x=7', '7'],
      ['3.50', '3.5'],
      ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3,\\frac{\\pi}{2})'],
    ];
    for (const [a, b] of equal) expect(mathEquivalent(a, b), `${a} ≡ ${b}`).toBe(true);
    expect(mathEquivalent('\\frac{1}{3}', '0.33')).toBe(false);
    expect(mathEquivalent('12', '21')).toBe(false);
  });

  it('unbiased pass@k', () => {
    expect(passAtK(10, 0, 5)).toBe(0);
    expect(passAtK(10, 10, 1)).toBe(1);
    expect(passAtK(5, 1, 1)).toBeCloseTo(0.2, 10);
    expect(passAtK(4, 2, 2)).toBeCloseTo(1 - 1 / 6, 10);
    expect(() => passAtK(3, 1, 5)).toThrow(/needs at least 5 samples/);
  });

  it('expected best-of-k: pass@k on 0/1 scores, the mean at k = 1, every k-subset averaged on F1 scores', () => {
    for (const [n, c, k] of [
      [10, 3, 5],
      [5, 1, 1],
      [4, 2, 2],
      [20, 7, 5],
      [8, 0, 3],
      [6, 6, 4],
    ] as const) {
      const scores = Array.from({ length: n }, (_, i) => (i < c ? 1 : 0));
      expect(expectedBestOfK(scores, k), `n ${n} c ${c} k ${k}`).toBeCloseTo(passAtK(n, c, k), 12);
    }
    const f1 = [0.2, 0, 0.5, 1, 0.25, 0.4];
    expect(expectedBestOfK(f1, 1)).toBeCloseTo(f1.reduce((a, b) => a + b, 0) / f1.length, 12);
    // Brute force: the mean over all C(6, 3) = 20 subsets of their best score.
    let sum = 0;
    let subsets = 0;
    for (let a = 0; a < 6; a++)
      for (let b = a + 1; b < 6; b++)
        for (let c = b + 1; c < 6; c++) {
          sum += Math.max(f1[a]!, f1[b]!, f1[c]!);
          subsets++;
        }
    expect(subsets).toBe(20);
    expect(expectedBestOfK(f1, 3)).toBeCloseTo(sum / subsets, 12);
    expect(expectedBestOfK(f1, 6)).toBe(1);
    // Never below the mean (Pass@1), so one table's Pass@5 can't print under its Pass@1.
    expect(expectedBestOfK(f1, 2)).toBeGreaterThanOrEqual(expectedBestOfK(f1, 1));
    expect(() => expectedBestOfK([0.5], 2)).toThrow(/needs at least 2 samples/);
  });
});
