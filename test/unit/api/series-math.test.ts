// Smoothing on the full series, then min/max downsampling that keeps spikes and both ends.
import { describe, expect, it } from 'vitest';
import { downsampleMinMax, emaDebiased, seedBand } from '../../../src-main/api/series-math';

describe('series math', () => {
  it('debiases the EMA (the first point is the first value) and keeps gaps as gaps', () => {
    const smoothed = emaDebiased([10, 10, null, 10], 0.9);
    expect(smoothed[0]).toBeCloseTo(10, 12);
    expect(smoothed[1]).toBeCloseTo(10, 12);
    expect(smoothed[2]).toBeNull();
    expect(smoothed[3]).toBeCloseTo(10, 12);
    expect(emaDebiased([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it('keeps each bucket’s min and max, the first and last point, and no more than about 2 per bucket', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i === 51_234 ? 1000 : i === 70_001 ? -1000 : Math.sin(i / 100)));
    const down = downsampleMinMax(x, y, 500);
    expect(down.x.length).toBeLessThanOrEqual(2 * 500 + 2);
    expect(down.x[0]).toBe(0);
    expect(down.x.at(-1)).toBe(n - 1);
    expect(Math.max(...(down.y as number[]))).toBe(1000);
    expect(Math.min(...(down.y as number[]))).toBe(-1000);
    expect([...down.x].sort((a, b) => a - b)).toEqual(down.x); // still in x order
    // A zoom keeps full resolution once few enough points are in view.
    expect(downsampleMinMax(x, y, 500, 51_000, 51_500).x.length).toBe(501);
  });
});

describe('seedBand', () => {
  it('the mean over runs per step with a bootstrap band inside the runs’ range; one run has none', () => {
    const band = seedBand([
      [1, 2, null],
      [3, 2, 5],
      [5, 2, null],
    ]);
    expect(band.map((b) => b.mean)).toEqual([3, 2, 5]);
    expect(band[0]!.low).toBeGreaterThanOrEqual(1);
    expect(band[0]!.high).toBeLessThanOrEqual(5);
    expect(band[0]!.high! - band[0]!.low!).toBeGreaterThan(1); // three runs far apart: a wide band
    expect(band[1]).toMatchObject({ low: 2, high: 2, runs: 3 }); // identical runs: no spread
    expect(band[2]).toEqual({ mean: 5, low: null, high: null, runs: 1 });
    expect(
      seedBand([
        [1, 2],
        [3, 4],
      ]),
    ).toEqual(
      seedBand([
        [1, 2],
        [3, 4],
      ]),
    ); // seeded: the same bands every time
  });

  it('with many runs the band approaches ±1.96 standard errors of the mean', () => {
    const runs = Array.from({ length: 400 }, (_, r) => [r % 2 === 0 ? 0 : 1]); // mean 0.5, sd 0.5
    const [point] = seedBand(runs, 4000);
    const halfWidth = (point!.high! - point!.low!) / 2;
    expect(halfWidth / ((1.96 * 0.5) / Math.sqrt(400))).toBeGreaterThan(0.9);
    expect(halfWidth / ((1.96 * 0.5) / Math.sqrt(400))).toBeLessThan(1.1);
  });
});
