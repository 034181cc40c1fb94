import { describe, expect, it } from 'vitest';
import { exportTable } from '../../../src-main/experiments/results/export-formats';
import { resultsTable } from '../../../src-main/experiments/results/results-table';
import type { EvaluationRow, ItemScore } from '../../../src-main/store/evaluations-repo';

/** A table's inputs from per-item 0/1 scores: rows → seeds → one benchmark's items (`samples` samples each). */
function inputs(rows: Record<string, number[][]>, samples = 1) {
  const evaluations: EvaluationRow[] = [];
  const items: ItemScore[] = [];
  let runId = 0;
  for (const [algorithm, seeds] of Object.entries(rows))
    seeds.forEach((scores, s) => {
      runId++;
      const value = (100 * scores.reduce((a, b) => a + b, 0)) / scores.length;
      evaluations.push({
        runId,
        step: 5,
        benchmark: 'mini-gsm8k',
        metric: 'pass',
        k: 1,
        value,
        n: scores.length,
        algorithm,
        runBenchmark: 'mini-gsm8k',
        seed: s + 1,
        runName: `${algorithm}-${s + 1}`,
      });
      scores.forEach((score, index) => {
        for (let sample = 0; sample < samples; sample++)
          items.push({ runId, step: 5, benchmark: 'mini-gsm8k', index, sample, score });
      });
    });
  return { evaluations, items };
}

const pattern = (n: number, correct: (i: number) => boolean) =>
  Array.from({ length: n }, (_, i) => (correct(i) ? 1 : 0));

describe('results table statistics', () => {
  it('two identical rows tie and are both bold', () => {
    const same = pattern(40, (i) => i % 3 === 0);
    const { evaluations, items } = inputs({ grpo: [same, same], dapo: [same, same], base: [pattern(40, () => false)] });
    const table = resultsTable(evaluations, 'pass@1', items);
    expect(table.rows.map((r) => r.label)).toEqual(['base', 'grpo', 'dapo']);
    expect(table.best[0]).toEqual([1, 2]);
    expect(table.reference).toBe('grpo'); // no AEPO: the first row after the base checkpoint
    expect(table.rows[2]!.comparisons[0]).toMatchObject({ difference: 0, p: 1, improvement: 0.5 });
  });

  it('a row better by far is bold alone; rows within noise of the best stay bold with it', () => {
    const { evaluations, items } = inputs({
      aepo: [pattern(60, (i) => i % 10 < 8), pattern(60, (i) => i % 10 < 8)],
      grpo: [pattern(60, (i) => i % 10 < 2), pattern(60, (i) => i % 10 < 2)],
    });
    const far = resultsTable(evaluations, 'pass@1', items);
    expect(far.best[0]).toEqual([1]); // aepo sorts after grpo in registry order
    expect(far.rows[0]!.comparisons[0]!.pHolm).toBeLessThan(0.05);
    // One item apart on 60: not significant, so both are bold; with --bold best only the higher mean is.
    const close = inputs({
      aepo: [pattern(60, (i) => i < 31), pattern(60, (i) => i < 31)],
      grpo: [pattern(60, (i) => i < 30), pattern(60, (i) => i < 30)],
    });
    expect(resultsTable(close.evaluations, 'pass@1', close.items).best[0]).toEqual([0, 1]);
    expect(resultsTable(close.evaluations, 'pass@1', close.items, { bold: 'best' }).best[0]).toEqual([1]);
  });

  it('cells carry their interval and sizes; without per-item verdicts, none and no test', () => {
    const { evaluations, items } = inputs({ aepo: [pattern(20, (i) => i < 10)], grpo: [pattern(20, (i) => i < 4)] }, 5);
    const table = resultsTable(evaluations, 'pass@1', items);
    const cell = table.rows[1]!.cells[0]!;
    expect(cell).toMatchObject({ mean: 50, n: 1, items: 20, samples: 5 });
    expect(cell.ci!.low).toBeLessThan(50);
    expect(cell.ci!.high).toBeGreaterThan(50);
    const bare = resultsTable(evaluations, 'pass@1', []);
    expect(bare.rows[1]!.cells[0]).toMatchObject({ mean: 50, ci: null, items: null });
    expect(bare.rows[0]!.comparisons[0]).toBeNull();
    expect(bare.best[0]).toEqual([1]); // untestable: bold only where it ties the best as printed
  });

  it('the same inputs export the same bytes; the bootstrap seed is an input', () => {
    const { evaluations, items } = inputs({
      aepo: [pattern(30, (i) => i % 2 === 0), pattern(30, (i) => i % 3 === 0)],
      grpo: [pattern(30, (i) => i % 4 === 0), pattern(30, (i) => i % 5 === 0)],
    });
    const header = { source: 'test', appVersion: '0', date: '2026-12-06', footnotes: [] };
    const text = (seed: number) =>
      exportTable(resultsTable(evaluations, 'pass@1', items, { bootstrap: { seed } }), 'csv', header);
    expect(text(0)).toBe(text(0));
    expect(text(0)).not.toBe(text(1));
    expect(text(0)).toContain('bootstrap seed 0');
  });

  it('a reference that is not a row is refused with the rows it could be', () => {
    const { evaluations, items } = inputs({ aepo: [pattern(4, () => true)], grpo: [pattern(4, () => false)] });
    expect(() => resultsTable(evaluations, 'pass@1', items, { reference: 'dapo' })).toThrow(/aepo, grpo|grpo, aepo/);
  });
});
