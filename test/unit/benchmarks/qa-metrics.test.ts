// QA normalisation, EM and F1 as the official SQuAD evaluation script computes them: punctuation removed rather than
// replaced by a space. The expected values below are what the official script prints for the same inputs.
import { describe, expect, it } from 'vitest';
import { exactMatch, normalizeAnswer, tokenF1 } from '../../../src-main/benchmarks/metrics';

describe('SQuAD normalisation', () => {
  it('removes punctuation inside words and numbers, articles and extra spaces', () => {
    const official: [string, string][] = [
      ['U.S.', 'us'],
      ['1,000', '1000'],
      ["rock'n'roll", 'rocknroll'],
      ['state-of-the-art', 'stateoftheart'],
      ['The U.S. Army', 'us army'],
      ['Dr. Martin Luther King, Jr.', 'dr martin luther king jr'],
      ['A.B.C. (the band)', 'abc band'],
      ['an apple—the fruit', 'apple— fruit'], // only ASCII punctuation goes; the em dash stays
      ["Ça va, l'été?", 'ça va lété'],
      ['théâtre the end', 'théâtre end'],
      ['3.14', '314'],
      ['e.g., the U.K.', 'eg uk'],
      ['  Multiple   spaces\tand\nlines ', 'multiple spaces and lines'],
      ["Obama's", 'obamas'],
      ['“quoted”', '“quoted”'],
    ];
    for (const [input, expected] of official) expect(normalizeAnswer(input), input).toBe(expected);
  });

  it('gives the official EM and F1 on answers with inner punctuation', () => {
    expect(exactMatch('the U.S. Army', ['US army'])).toBe(1);
    expect(tokenF1('the U.S. Army', ['US army'])).toBe(1);
    expect(exactMatch('Dr. Martin Luther King, Jr.', ['Martin Luther King Jr'])).toBe(0);
    expect(tokenF1('Dr. Martin Luther King, Jr.', ['Martin Luther King Jr'])).toBeCloseTo(0.888888888888889, 12);
    expect(tokenF1('1,000 people', ['1000'])).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('rock and roll', ["rock'n'roll"])).toBe(0);
    expect(tokenF1('state-of-the-art design', ['state of the art'])).toBe(0);
  });
});
