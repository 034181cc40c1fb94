// The ONNX training graphs against the tfjs reference: the same per-token log-probs and entropies (at a sampling
// temperature), and the same gradient of a loss built from them, for every weight.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { presetConfig } from '../../../src-main/model/config';
import { weightInputs } from '../../../src-main/model/onnx/forward-graph';
import { gradName, gradientModelBytes, scoringModelBytes } from '../../../src-main/model/onnx/train-graph';
import { scoreTokens } from '../../../src-main/model/scoring';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

const TEMPERATURE = 0.8;
const sequences = [
  [5, 17, 250, 3, 99, 1, 42, 8, 77, 12],
  [9, 9, 120, 4, 61],
  [2, 280, 33, 33, 33, 7, 190],
];

/** The feeds of a batch of right-padded sequences, with per-column loss weights (0 past each sequence). */
function feeds(model: Transformer, weightsOf: (b: number, t: number) => [number, number]) {
  const width = Math.max(...sequences.map((s) => s.length));
  const batch = sequences.length;
  const at = (b: number, t: number) => sequences[b]![t] ?? 0;
  const grid = (f: (b: number, t: number) => number) =>
    Array.from({ length: batch * width }, (_, i) => f(Math.floor(i / width), i % width));
  const mask = new Float32Array(batch * width * width).fill(-1e9);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < width; i++)
      for (let j = 0; j <= i; j++) if (j < sequences[b]!.length) mask[(b * width + i) * width + j] = 0;
  const int64 = (f: (b: number, t: number) => number) =>
    new ort.Tensor('int64', BigInt64Array.from(grid(f).map(BigInt)), [batch, width]);
  const perToken = (k: 0 | 1) =>
    new ort.Tensor(
      'float32',
      Float32Array.from(grid((b, t) => (t + 1 < sequences[b]!.length ? weightsOf(b, t)[k] : 0))),
      [batch, width],
    );
  const result: Record<string, ort.Tensor> = {
    ids: int64(at),
    positions: int64((_, t) => t),
    targets: int64((b, t) => at(b, t + 1)),
    mask: new ort.Tensor('float32', mask, [batch, 1, width, width]),
    inv_temperature: new ort.Tensor('float32', Float32Array.from([1 / TEMPERATURE]), []),
    dlogp: perToken(0),
    dentropy: perToken(1),
  };
  const variables = model.variables();
  weightInputs(model.config).forEach((input, i) => {
    result[input.name] = new ort.Tensor('float32', variables[i]!.dataSync() as Float32Array, input.shape);
  });
  return { result, width };
}

/** max |a − b| over the largest |b|: agreement relative to the tensor's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let [worst, largest] = [0, 0];
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    largest = Math.max(largest, Math.abs(b[i]!));
  }
  return largest === 0 ? worst : worst / largest;
}

describe('the ONNX training graphs', () => {
  it('score tokens and give every weight the gradient tfjs gives, on the small preset', async () => {
    const config = presetConfig('small', 300);
    const model = Transformer.create(config, 3);
    // A loss that reaches both outputs, with weights that differ by token: Σ wL·log p + wH·H over real columns.
    const weightsOf = (b: number, t: number): [number, number] => [Math.sin(1 + b * 7 + t), 0.3 * Math.cos(b + 2 * t)];
    const { result, width } = feeds(model, weightsOf);

    const scoring = await ort.InferenceSession.create(scoringModelBytes(config), { intraOpNumThreads: 1 });
    const { logp, entropy } = await scoring.run(
      Object.fromEntries(Object.entries(result).filter(([name]) => !name.startsWith('d'))),
    );
    const expected = tf.tidy(() => {
      const scored = scoreTokens(model, sequences, { temperature: TEMPERATURE });
      return { logp: scored.logp.arraySync(), entropy: scored.entropy.arraySync() };
    });
    for (let b = 0; b < sequences.length; b++)
      for (let t = 0; t + 1 < sequences[b]!.length; t++) {
        expect(Math.abs((logp!.data as Float32Array)[b * width + t]! - expected.logp[b]![t]!)).toBeLessThan(1e-5);
        expect(Math.abs((entropy!.data as Float32Array)[b * width + t]! - expected.entropy[b]![t]!)).toBeLessThan(1e-5);
      }

    const variables = model.variables();
    const { grads } = tf.variableGrads(() => {
      const scored = scoreTokens(model, sequences, { temperature: TEMPERATURE });
      const w = (k: 0 | 1) =>
        tf.tensor2d(scored.logp.arraySync().map((row, b) => row.map((_, t) => weightsOf(b, t)[k])));
      return tf.sum(tf.mul(tf.add(tf.mul(scored.logp, w(0)), tf.mul(scored.entropy, w(1))), scored.mask)) as tf.Scalar;
    }, variables);
    const session = await ort.InferenceSession.create(gradientModelBytes(config), { intraOpNumThreads: 1 });
    const outputs = await session.run(result);
    const errors = weightInputs(config).map((input, i) => {
      const reference = grads[variables[i]!.name]!.dataSync() as Float32Array;
      return [input.name, relativeError(outputs[gradName(input.name)]!.data as Float32Array, reference)] as const;
    });
    for (const [name, error] of errors) expect(error, name).toBeLessThan(1e-5);
    Object.values(grads).forEach((g) => g.dispose());
    await Promise.all([scoring.release(), session.release()]);
    model.dispose();
  });
});
