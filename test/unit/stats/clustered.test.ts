// The study's clustered bootstrap (seeds, then units within a seed) and the verdict rules built on it.
import { describe, expect, it } from 'vitest';
import { clusteredDifference, clusteredEstimate, slope, type Clustered } from '../../../src-main/stats/clustered';
import { combined, verdictOf, withHolm } from '../../../src-main/experiments/study/verdict';

const settings = { seed: 0, resamples: 2000 };
const arm = (bySeed: Record<number, number[]>): Clustered =>
  new Map(Object.entries(bySeed).map(([s, v]) => [Number(s), v]));

describe('clustered bootstrap', () => {
  it('gives the mean of seed means, not of pooled units, with an interval that contains it', () => {
    // Seed 1 has many units and seed 2 few: each seed counts once.
    const e = clusteredEstimate(arm({ 1: [0, 0, 0, 0, 0, 0], 2: [10] }), settings, 'x');
    expect(e.mean).toBeCloseTo(5, 12);
    expect(e).toMatchObject({ seeds: 2, units: 7 });
    expect(e.ci.low).toBeLessThanOrEqual(e.mean);
    expect(e.ci.high).toBeGreaterThanOrEqual(e.mean);
    // Drawing seeds can take seed 1 twice (0) or seed 2 twice (10).
    expect(e.ci.low).toBe(0);
    expect(e.ci.high).toBe(10);
  });

  it('is the same for the same data and seed, and leaves out seeds without units', () => {
    const data = arm({ 1: [1, 2, 3], 2: [2, 5], 3: [] });
    expect(clusteredEstimate(data, settings, 'a')).toEqual(clusteredEstimate(data, settings, 'a'));
    expect(clusteredEstimate(data, settings, 'a').seeds).toBe(2);
  });

  it('resolves a shift the data show on every seed, and not one inside the noise', () => {
    const noisy = (shift: number) =>
      arm(Object.fromEntries([1, 2, 3].map((s) => [s, Array.from({ length: 40 }, (_, i) => ((i * 7) % 11) + shift)])));
    const shifted = clusteredDifference(noisy(3), noisy(0), settings, 'shift');
    expect(shifted.difference).toBeCloseTo(3, 12);
    expect(shifted.ci.low).toBeGreaterThan(0);
    expect(shifted.p).toBeLessThan(0.01);
    const same = clusteredDifference(noisy(0), noisy(0.05), settings, 'same');
    expect(same.ci.low).toBeLessThan(0);
    expect(same.ci.high).toBeGreaterThan(0);
    expect(same.p).toBeGreaterThan(0.2);
  });

  it('pairs seeds: only the seeds both arms have count', () => {
    const d = clusteredDifference(arm({ 1: [5], 2: [7] }), arm({ 2: [1], 3: [100] }), settings, 'pair');
    expect(d).toMatchObject({ difference: 6, seeds: 1 });
  });

  it('fits a least-squares slope', () => {
    expect(slope([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(2, 12);
    expect(slope([1, 2, 3], [1, 0, 1])).toBeCloseTo(0, 12);
    expect(slope([2, 2], [1, 3])).toBeNaN();
  });
});

describe('study verdicts', () => {
  const improvement = (value: number, low: number, high: number, p: number) => ({
    against: 'x',
    value,
    ci: { low, high },
    p,
  });

  it('reproduced needs every comparison significant after Holm in the claimed direction', () => {
    expect(verdictOf(withHolm([improvement(3, 1, 5, 0.001), improvement(2, 0.5, 4, 0.01)]), 1)).toBe('reproduced');
    // The second alone passes, but Holm doubles the smaller p: 0.03 × 2 > 0.05.
    expect(verdictOf(withHolm([improvement(3, 1, 5, 0.03), improvement(2, 0.5, 4, 0.04)]), 1)).toBe('inconclusive');
  });

  it('not reproduced when an interval rules out a gain of δ, inconclusive when it does not', () => {
    expect(verdictOf(withHolm([improvement(3, 1, 5, 0.001), improvement(0.2, -0.5, 0.9, 0.6)]), 1)).toBe(
      'not reproduced',
    );
    expect(verdictOf(withHolm([improvement(0.2, -0.5, 0.9, 0.6)]), 0)).toBe('inconclusive');
    expect(verdictOf(withHolm([improvement(-2, -3, -1, 0.001)]), 0)).toBe('not reproduced');
    expect(verdictOf([], 0)).toBe('inconclusive');
  });

  it('combines parts: any part not reproduced refutes, all reproduced confirms', () => {
    expect(combined(['reproduced', 'reproduced'])).toBe('reproduced');
    expect(combined(['reproduced', 'inconclusive'])).toBe('inconclusive');
    expect(combined(['inconclusive', 'not reproduced'])).toBe('not reproduced');
  });
});

describe('paired clustered differences', () => {
  it('cancel what a pair shares: a small shift on very different units is resolved', async () => {
    const { pairedClusteredDifference } = await import('../../../src-main/stats/clustered');
    // Units (suites) at 0, 50 and 100 on each seed; the arms differ by 1 on every one of them.
    const pairs = arm({ 1: [1, 1, 1.2], 2: [0.9, 1, 1], 3: [1, 1.1, 1] });
    const d = pairedClusteredDifference(pairs, settings, 'paired');
    expect(d.difference).toBeCloseTo(1.0222, 3);
    expect(d.ci.low).toBeGreaterThan(0.9);
    expect(d.p).toBe(1 / settings.resamples);
    // Unpaired, the same arms' spread across units hides the shift.
    const a = arm({ 1: [1, 51, 101.2], 2: [0.9, 51, 101], 3: [1, 51.1, 101] });
    const b = arm({ 1: [0, 50, 100], 2: [0, 50, 100], 3: [0, 50, 100] });
    expect(clusteredDifference(a, b, settings, 'unpaired').ci.low).toBeLessThan(0);
  });
});
