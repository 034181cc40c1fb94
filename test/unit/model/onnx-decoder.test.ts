// The ONNX KV-cache decoder against the tfjs one: the same next-token logits for ragged prompts, single-token steps,
// a tool result appended to one sequence, and a branch forked from another's cache.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { MODEL_SIZES, modelConfig, type ModelSize } from '../../../src-main/model/config';
import { onnxEngine, tfjsEngine } from '../../../src-main/model/engine';
import { Decoder, type DecodeRow } from '../../../src-main/model/decoder';
import { decoderThreads, DecodeSessions } from '../../../src-main/model/onnx/decode-sessions';
import { gpuAdapter } from '../../../src-main/model/onnx/gpu-adapter';
import { OnnxDecoder } from '../../../src-main/model/onnx/onnx-decoder';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

/** Rows appending `chunks[s]` to sequence s, which holds `lengths[s]` tokens; the last row of each is asked for. */
function rowsOf(chunks: (number[] | null)[], lengths: number[]) {
  const rows: DecodeRow[] = [];
  const last: number[] = [];
  chunks.forEach((chunk, s) => {
    if (!chunk?.length) return;
    chunk.forEach((token, j) => rows.push({ sequence: s, token, position: lengths[s]! + j }));
    lengths[s]! += chunk.length;
    last.push(rows.length - 1);
  });
  return { rows, last };
}

function worstGap(a: Float32Array[], b: Float32Array[]): number {
  let [worst, largest] = [0, 0];
  a.forEach((row, i) =>
    row.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(x - b[i]![j]!));
      largest = Math.max(largest, Math.abs(b[i]![j]!));
    }),
  );
  return worst / largest;
}

/** The CPU provider everywhere; WebGPU where an adapter exists (CI: lavapipe, correctness only). */
const PROVIDERS = ['cpu', ...(gpuAdapter() ? ['webgpu'] : [])];

describe('the ONNX decoder', () => {
  it.each(PROVIDERS)(
    'on %s: gives the tfjs decoder’s logits through prompts, steps, a tool result and a fork',
    async (provider) => {
      const model = Transformer.create(modelConfig('small', 300), 5);
      const reference = new Decoder(model, 3);
      const onnx = await OnnxDecoder.create(model, 3, 2, provider);
      const [refLengths, onnxLengths] = [
        [0, 0, 0],
        [0, 0, 0],
      ];
      const both = async (chunks: (number[] | null)[]) => {
        const a = rowsOf(chunks, refLengths);
        const b = rowsOf(chunks, onnxLengths);
        return { ref: reference.step(a.rows, a.last), onnx: await onnx.step(b.rows, b.last) };
      };
      const checks = [
        await both([[1, 20, 30, 4, 5], [7, 8], null]), // ragged prompts, one sequence idle
        await both([[11], [12], null]), // one token each
        await both([[13], [40, 41, 42, 43, 44, 45, 46], null]), // a tool result on one, a token on the other
      ];
      // A branch: sequence 2 takes sequence 1's cache, then both go on with different tokens.
      reference.copyCache(1, 2, refLengths[1]!);
      onnx.copyCache(1, 2, onnxLengths[1]!);
      refLengths[2] = refLengths[1]!;
      onnxLengths[2] = onnxLengths[1]!;
      checks.push(await both([null, [50], [60]]));
      for (const { ref, onnx: got } of checks) {
        expect(got).toHaveLength(ref.length);
        expect(worstGap(got, ref)).toBeLessThan(1e-4);
      }
      reference.dispose();
      await onnx.dispose();
      model.dispose();
    },
  );

  // Every model preset runs on the engine: the decoder's logits and a scoring pass equal tfjs's.
  it.each(Object.keys(MODEL_SIZES) as ModelSize[])('runs the %s preset as tfjs does', async (preset) => {
    const model = Transformer.create(modelConfig(preset, 300), 2);
    const reference = new Decoder(model, 2);
    const onnx = await OnnxDecoder.create(model, 2, 2);
    const prompts = [
      [3, 14, 15, 92, 65],
      [35, 89, 79],
    ];
    const a = rowsOf(prompts, [0, 0]);
    const b = rowsOf(prompts, [0, 0]);
    expect(worstGap(await onnx.step(b.rows, b.last), reference.step(a.rows, a.last))).toBeLessThan(1e-4);
    const engine = await onnxEngine(model.config, 2);
    const scored = await engine.score(model, prompts);
    const expected = await tfjsEngine.score(model, prompts);
    scored.logp.forEach((row, i) =>
      row.forEach((x, t) => {
        if (t + 1 < prompts[i]!.length) expect(Math.abs(x - expected.logp[i]![t]!)).toBeLessThan(1e-4);
      }),
    );
    reference.dispose();
    await onnx.dispose();
    model.dispose();
  });

  // Small batches decode on fewer threads (decode-sessions.ts): one per 16 sequences, up to the run's.
  it('gives a small batch one thread and shares a session between batches of one thread count', async () => {
    expect([1, 16, 31, 32, 64, 128].map((batch) => decoderThreads(batch, 2))).toEqual([1, 1, 1, 2, 2, 2]);
    expect([16, 48, 128, 512].map((batch) => decoderThreads(batch, 16))).toEqual([1, 3, 8, 16]);
    const sessions = await DecodeSessions.open(modelConfig('tiny', 300), 2);
    expect(sessions.forBatch(16)).toBe(sessions.forBatch(20));
    expect(sessions.forBatch(32)).not.toBe(sessions.forBatch(16));
    expect(sessions.forBatch(128)).toBe(sessions.forBatch(32));
    await sessions.release();
  });

  // A batch of 32 runs on the two-thread session: its logits are tfjs's too.
  it('decodes a batch of 32 on two threads as tfjs does', async () => {
    const model = Transformer.create(modelConfig('tiny', 300), 3);
    const reference = new Decoder(model, 32);
    const onnx = await OnnxDecoder.create(model, 32, 2);
    const prompts = Array.from({ length: 32 }, (_, s) => [1 + s, 2 + ((s * 7) % 50), 3 + ((s * 13) % 90)]);
    const a = rowsOf(prompts, Array(32).fill(0));
    const b = rowsOf(prompts, Array(32).fill(0));
    expect(worstGap(await onnx.step(b.rows, b.last), reference.step(a.rows, a.last))).toBeLessThan(1e-4);
    reference.dispose();
    await onnx.dispose();
    model.dispose();
  });
});
