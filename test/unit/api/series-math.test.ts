// Smoothing on the full series, then min/max downsampling that keeps spikes and both ends.
import { describe, expect, it } from 'vitest';
import { downsampleMinMax, emaDebiased } from '../../../src-main/api/series-math';

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
