import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/model/rng';
import { interquartileMean, performanceProfile, probabilityOfImprovement } from '../../../src-main/stats/aggregates';
import {
  columnIntervals,
  pairedColumns,
  pairedTestP,
  type Block,
  type BootstrapSettings,
} from '../../../src-main/stats/estimates';
import {
  averagedDetectableDifference,
  measuredComponents,
  minimumDetectableDifference,
} from '../../../src-main/stats/power';
import { quantileSorted } from '../../../src-main/stats/resample';
import { holm, signFlipTest } from '../../../src-main/stats/tests';

const settings = { seed: 7, resamples: 4000 };
/** One column over all the blocks given. */
const cellInterval = (blocks: Block[], s: BootstrapSettings, name: string) =>
  columnIntervals(blocks, [blocks.map((_, i) => i)], s, name)[0]!;
const pairedComparison = (row: Block[], reference: Block[], s: BootstrapSettings, name: string) =>
  pairedColumns(row, reference, [row.map((_, i) => i)], s, name, () => pairedTestP(row, reference, s, name))[0]!;
const block = (benchmark: string, seeds: number[], values: number[][]): Block => ({
  benchmark,
  seeds,
  items: values[0]!.map((_, i) => i),
  values: values.map((v) => Float64Array.from(v)),
});

describe('statistics against closed forms', () => {
  it('the interval of a proportion over many Bernoulli items is ±1.96·SE', () => {
    // 1,200 items, 30 % correct, one seed: SE = sqrt(p(1 − p) / n) in points.
    const n = 1200;
    const values = Array.from({ length: n }, (_, i) => (i % 10 < 3 ? 100 : 0));
    const { low, high } = cellInterval([block('b', [1], [values])], settings, 'proportion');
    const halfWidth = 1.96 * Math.sqrt((0.3 * 0.7) / n) * 100;
    expect((high - low) / 2).toBeGreaterThan(halfWidth * 0.92);
    expect((high - low) / 2).toBeLessThan(halfWidth * 1.08);
    expect((low + high) / 2).toBeCloseTo(30, 0);
  });

  it('seeds add their spread: two seeds far apart widen the interval beyond the items alone', () => {
    const items = Array.from({ length: 400 }, (_, i) => (i % 2 ? 100 : 0));
    const shifted = items.map((v) => (v === 0 ? 20 : 100));
    const one = cellInterval([block('b', [1], [items])], settings, 'x');
    const two = cellInterval([block('b', [1, 2], [items, shifted])], settings, 'x');
    expect(two.high - two.low).toBeGreaterThan(1.5 * (one.high - one.low));
  });

  it('the same data and seed give the same interval; another seed another one', () => {
    const values = [Array.from({ length: 50 }, (_, i) => (i * 37) % 100)];
    const a = cellInterval([block('b', [1], values)], settings, 'same');
    expect(cellInterval([block('b', [1], values)], settings, 'same')).toEqual(a);
    expect(cellInterval([block('b', [1], values)], { ...settings, seed: 8 }, 'same')).not.toEqual(a);
  });

  it("the sign-flip test's exact p on small n", () => {
    const rng = new Rng(1);
    // ±1 ±2 ±3: sums 6, 4, 2, 0, 0, −2, −4, −6; |T| ≥ 6 in 2 of 8.
    expect(signFlipTest([1, 2, 3], rng)).toBe(2 / 8);
    // Observed 3 − 1 + 2 = 4; the same eight sums, |T| ≥ 4 in 4 of 8.
    expect(signFlipTest([3, -1, 2], rng)).toBe(4 / 8);
    expect(signFlipTest([1, 1, 1, 1, 1], rng)).toBe(2 / 32);
    expect(signFlipTest([0, 0], rng)).toBe(1);
    expect(signFlipTest([2, 0, 0, 0], rng)).toBe(1); // zeros drop out: one term, both signs reach it
    // 16 equal terms: only the two all-same patterns reach |16|.
    expect(signFlipTest(new Array(16).fill(1), rng)).toBe(2 / 65536);
  });

  it('the Monte Carlo sign-flip test beyond 16 terms agrees with the normal approximation', () => {
    // 40 terms of ±1 with sum 10: under H0 the sum has sd √40; two-sided p ≈ 2(1 − Φ(10/√40)) ≈ 0.114 (0.134 with continuity).
    const terms = [...new Array(25).fill(1), ...new Array(15).fill(-1)];
    const p = signFlipTest(terms, new Rng(3));
    expect(p).toBeGreaterThan(0.1);
    expect(p).toBeLessThan(0.17);
  });

  it("Holm's correction on known p-values", () => {
    // Sorted 0.01, 0.02, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.06, 0.04 → monotone 0.04, 0.06, 0.06, 0.06.
    expect(holm([0.03, 0.01, 0.04, 0.02]).map((p) => Number(p.toFixed(10)))).toEqual([0.06, 0.04, 0.06, 0.06]);
    expect(holm([0.5, 0.9])).toEqual([1, 1]); // 0.5 × 2 caps at 1, and an adjusted p never falls below an earlier one
    expect(holm([0.9, 0.01])).toEqual([0.9, 0.02]);
    expect(holm([])).toEqual([]);
  });

  it('IQM of known arrays', () => {
    expect(interquartileMean([1, 2, 3, 4, 5, 6, 7, 8])).toBe(4.5); // 3, 4, 5, 6
    expect(interquartileMean([100, 1, 2, 3])).toBe(2.5); // one trimmed each end
    expect(interquartileMean([5, 7, 9])).toBe(7); // nothing to trim
    expect(interquartileMean([0, 0, 0, 0, 10, 10, 10, 1000])).toBe(5);
  });

  it('probability of improvement and the performance profile', () => {
    expect(probabilityOfImprovement([3, 4], [1, 2])).toBe(1);
    expect(probabilityOfImprovement([1, 3], [2, 2])).toBe(0.5);
    expect(probabilityOfImprovement([2], [2])).toBe(0.5);
    expect(probabilityOfImprovement([1, 3], [2], [3, 1])).toBe(0.25); // 1 drawn three times, 3 once
    expect(performanceProfile([10, 50, 90], [0, 10, 60, 90])).toEqual([1, 2 / 3, 1 / 3, 0]);
  });

  it('a paired comparison: a constant shift is found with a tight interval, identical rows differ by nothing', () => {
    const base = Array.from({ length: 30 }, (_, i) => (i * 41) % 100);
    const row = [block('b', [1, 2], [base.map((v) => v + 5), base.map((v) => v + 5)])];
    const reference = [block('b', [1, 2], [base, base])];
    const shifted = pairedComparison(row, reference, settings, 'shift');
    expect(shifted.difference).toBeCloseTo(5, 10);
    expect(shifted.ci.low).toBeCloseTo(5, 8);
    expect(shifted.ci.high).toBeCloseTo(5, 8);
    expect(shifted.p).toBeLessThan(1e-3);
    expect(shifted.improvement).toBe(1);
    const same = pairedComparison(reference, reference, settings, 'same');
    expect(same).toMatchObject({ difference: 0, p: 1, improvement: 0.5 });
  });

  it('quantiles interpolate as numpy does', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });
});

describe('power', () => {
  it('the minimum detectable difference is (z_0.975 + z_0.8) · SE of the paired mean', () => {
    const v = { sample: 2000, pair: 100, runs: 0 };
    // Var = (100 + 2·2000/5) / (20 · 2) = 22.5 → SE 4.743; × 2.8016 = 13.29.
    expect(minimumDetectableDifference(v, { items: 20, samples: 5, seeds: 2 })).toBeCloseTo(
      2.801585 * Math.sqrt(22.5),
      4,
    );
    // Four times the items halve it.
    expect(minimumDetectableDifference(v, { items: 80, samples: 5, seeds: 2 })).toBeCloseTo(
      minimumDetectableDifference(v, { items: 20, samples: 5, seeds: 2 }) / 2,
      10,
    );
    // An average over two equal benchmarks: √2 smaller.
    const one = { v, design: { items: 20, samples: 5, seeds: 2 } };
    expect(averagedDetectableDifference([one, one])).toBeCloseTo(
      minimumDetectableDifference(v, one.design) / Math.SQRT2,
      10,
    );
  });

  it('recovers the variance components of simulated runs', () => {
    // 400 items with success rates spread over 0.1–0.9, 8 samples each, two runs of the same policy: σ²_pair ≈ 0.
    const rng = new Rng(11);
    const rates = Array.from({ length: 400 }, (_, i) => 0.1 + (0.8 * i) / 399);
    const run = () => new Map(rates.map((p, i) => [i, Array.from({ length: 8 }, () => (rng.next() < p ? 100 : 0))]));
    const expectedSample = (rates.reduce((s, p) => s + p * (1 - p), 0) / rates.length) * 10_000;
    const measured = measuredComponents([run(), run(), run()])!;
    expect(measured.sample / expectedSample).toBeGreaterThan(0.93);
    expect(measured.sample / expectedSample).toBeLessThan(1.07);
    expect(measured.pair).toBeLessThan(0.1 * expectedSample);
    expect(measuredComponents([run()])).toBeNull(); // one run: nothing to pair
  });
});
