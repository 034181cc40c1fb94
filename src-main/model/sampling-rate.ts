/**
 * Sampling speed of a KV-cache decoder, the same loop for both engines (decoder.ts on tfjs, onnx/onnx-decoder.ts):
 * a batch of random prompts, then one new token per sequence per step, each drawn at temperature 1. Tokens per
 * second of wall time, prompt processing included.
 */
import type { DecodeRow } from './decoder';
import { Rng } from './rng';
import { pickToken } from './sampling';

export interface StepDecoder {
  step(rows: readonly DecodeRow[], logitsFor: readonly number[]): Float32Array[] | Promise<Float32Array[]>;
}

export async function samplingRate(
  decoder: StepDecoder,
  shape: { batch: number; prompt: number; newTokens: number; vocab: number; seed: number },
): Promise<number> {
  const rng = new Rng(shape.seed);
  const start = performance.now();
  const prompt: DecodeRow[] = [];
  const last: number[] = [];
  for (let s = 0; s < shape.batch; s++) {
    for (let p = 0; p < shape.prompt; p++)
      prompt.push({ sequence: s, token: Math.floor(rng.next() * shape.vocab), position: p });
    last.push(prompt.length - 1);
  }
  let logits = await decoder.step(prompt, last);
  for (let t = 0; t < shape.newTokens; t++) {
    const rows = logits.map((row, s) => ({
      sequence: s,
      token: pickToken(row, { temperature: 1 }, rng).id,
      position: shape.prompt + t,
    }));
    logits = await decoder.step(
      rows,
      rows.map((_, r) => r),
    );
  }
  return (shape.batch * shape.newTokens) / ((performance.now() - start) / 1000);
}
