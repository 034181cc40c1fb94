import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS build script without type declarations
import { compileWat } from '../../../bin/wat.js';
import { AttentionKernel } from '../../../src-main/model/kernels/attention-kernel';
import { attentionWasm } from '../../../src-main/model/kernels/attention-wasm';
import { Rng } from '../../../src-main/model/rng';

describe('attention kernel (WebAssembly SIMD)', () => {
  it('ships exactly the compiled resources/kernels/attention.wat', () => {
    const compiled = (compileWat as (name: string, text: string) => Buffer)(
      'attention.wat',
      readFileSync('resources/kernels/attention.wat', 'utf8'),
    );
    expect(compiled.toString('base64')).toBe(attentionWasm);
  });

  it('computes scaled dot products and weighted sums as plain arithmetic does', () => {
    const d = 64;
    const dh = 16;
    const positions = 37;
    const kernel = new AttentionKernel(positions * d * 2 + 2 * d + positions);
    const keys = kernel.alloc(positions * d);
    const values = kernel.alloc(positions * d);
    const query = kernel.alloc(d);
    const scores = kernel.alloc(positions);
    const out = kernel.alloc(dh);
    const rng = new Rng(5);
    for (let i = 0; i < positions * d; i++) {
      kernel.f32[keys + i] = rng.normal();
      kernel.f32[values + i] = rng.normal();
    }
    for (let i = 0; i < d; i++) kernel.f32[query + i] = rng.normal();
    const head = 2 * dh; // the third head of four
    const last = positions - 1;
    const max = kernel.exports.scores((query + head) * 4, (keys + head) * 4, last, d * 4, dh, 0.25, scores * 4);
    const expected: number[] = [];
    for (let p = 0; p <= last; p++) {
      let dot = 0;
      for (let j = 0; j < dh; j++) dot += kernel.f32[query + head + j]! * kernel.f32[keys + p * d + head + j]!;
      expected.push(dot * 0.25);
    }
    expected.forEach((e, p) => expect(kernel.f32[scores + p]).toBeCloseTo(e, 4));
    expect(max).toBeCloseTo(Math.max(...expected), 4);

    for (let p = 0; p <= last; p++) kernel.f32[scores + p] = (p + 1) / 100;
    kernel.exports.weighted(scores * 4, (values + head) * 4, last, d * 4, dh, out * 4);
    for (let j = 0; j < dh; j++) {
      let sum = 0;
      for (let p = 0; p <= last; p++) sum += ((p + 1) / 100) * kernel.f32[values + p * d + head + j]!;
      expect(kernel.f32[out + j]).toBeCloseTo(sum, 4);
    }
  });

  it('refuses to hand out more memory than it reserved', () => {
    const kernel = new AttentionKernel(100);
    expect(() => kernel.alloc(kernel.f32.length + 4)).toThrow(/memory exhausted/);
  });
});
