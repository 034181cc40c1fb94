// The ONNX training graphs against the tfjs reference: the same per-token log-probs and entropies (at a sampling
// temperature), and the same gradient of a loss built from them, for every weight.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { weightInputs } from '../../../src-main/model/onnx/forward-graph';
import { gpuAdapter } from '../../../src-main/model/onnx/gpu-adapter';
import { OnnxTrainer } from '../../../src-main/model/onnx/onnx-trainer';
import { cacheValues } from '../../../src-main/model/onnx/train-cache';
import { backwardGraph, trainingForwardGraph } from '../../../src-main/model/onnx/train-graph';
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

/** max |a − b| over the largest |b|: agreement relative to the tensor's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let [worst, largest] = [0, 0];
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    largest = Math.max(largest, Math.abs(b[i]!));
  }
  return largest === 0 ? worst : worst / largest;
}

/**
 * The CPU provider everywhere; WebGPU where an adapter exists (CI installs Mesa's software Vulkan driver, lavapipe,
 * so the GPU path is held to tfjs there too: correctness only).
 */
const PROVIDERS = ['cpu', ...(gpuAdapter() ? ['webgpu'] : [])];

describe('the ONNX training graphs', () => {
  // Both ways to the gradients: the cached activations (what a laptop's batches take), and, past the cache budget,
  // the forward recomputed in micro-batches (a budget of 1 byte: one row a pass, the gradients summed over rows).
  it.each(
    PROVIDERS.flatMap((provider) =>
      (
        [
          ['handing back the cached activations', undefined, 'cached'],
          ['recomputing the forward one row at a time', 1, 'recompute'],
        ] as const
      ).map(([how, budget, kind]) => [provider, how, budget, kind] as const),
    ),
  )(
    'on %s: score tokens and give every weight the gradient tfjs gives, on the small preset, %s',
    async (provider, _, budget, kind) => {
      const config = modelConfig('small', 300);
      const model = Transformer.create(config, 3);
      const trainer = await OnnxTrainer.create(config, 1, { cacheBudgetBytes: budget, provider });
      expect(trainer.provider).toBe(provider);
      // A loss that reaches both outputs, with weights that differ by token: Σ wL·log p + wH·H over real columns.
      const weightsOf = (b: number, t: number): [number, number] => [
        Math.sin(1 + b * 7 + t),
        0.3 * Math.cos(b + 2 * t),
      ];
      const perToken = (k: 0 | 1) =>
        sequences.map((s, b) => Array.from({ length: s.length - 1 }, (_, t) => weightsOf(b, t)[k]));

      const expected = tf.tidy(() => {
        const scored = scoreTokens(model, sequences, { temperature: TEMPERATURE });
        return { logp: scored.logp.arraySync(), entropy: scored.entropy.arraySync() };
      });
      const scored = await trainer.score(model, sequences, TEMPERATURE);
      const forward = await trainer.forward(model, sequences, TEMPERATURE);
      expect(forward.kind).toBe(kind);
      for (const { logp, entropy } of [scored, forward.stats])
        for (let b = 0; b < sequences.length; b++)
          for (let t = 0; t + 1 < sequences[b]!.length; t++) {
            expect(Math.abs(logp[b]![t]! - expected.logp[b]![t]!)).toBeLessThan(1e-5);
            expect(Math.abs(entropy[b]![t]! - expected.entropy[b]![t]!)).toBeLessThan(1e-5);
          }

      const variables = model.variables();
      const { grads } = tf.variableGrads(() => {
        const scored = scoreTokens(model, sequences, { temperature: TEMPERATURE });
        const w = (k: 0 | 1) =>
          tf.tensor2d(scored.logp.arraySync().map((row, b) => row.map((_, t) => weightsOf(b, t)[k])));
        return tf.sum(
          tf.mul(tf.add(tf.mul(scored.logp, w(0)), tf.mul(scored.entropy, w(1))), scored.mask),
        ) as tf.Scalar;
      }, variables);
      const gradients = await trainer.backward(forward, perToken(0), perToken(1));
      const errors = weightInputs(config).map((input, i) => {
        const reference = grads[variables[i]!.name]!.dataSync() as Float32Array;
        return [input.name, relativeError(gradients[i]!, reference)] as const;
      });
      for (const [name, error] of errors) expect(error, name).toBeLessThan(1e-5);
      Object.values(grads).forEach((g) => g.dispose());
      await trainer.release();
      model.dispose();
    },
  );

  it('name the same cached activations as outputs of the forward graph and inputs of the backward graph', () => {
    const config = modelConfig('tiny', 64);
    const slots = cacheValues(config).map((value) => value.name);
    expect(slots).toHaveLength(config.layers * 14 + 6);
    expect(trainingForwardGraph(config).outputs.map((o) => o.name)).toEqual(['logp', 'entropy', ...slots]);
    const backwardInputs = new Set(backwardGraph(config).inputs.map((i) => i.name));
    for (const slot of slots) expect(backwardInputs.has(slot), slot).toBe(true);
    // The backward pass reads no attention mask and no bias: it needs only what it multiplies by.
    expect(backwardInputs.has('mask')).toBe(false);
    expect(backwardInputs.has('h0.qkv.b')).toBe(false);
    // Every cached input is read by some node (a slot nobody reads would be copied out for nothing).
    const read = new Set(backwardGraph(config).nodes.flatMap((node) => node.inputs));
    for (const slot of slots) expect(read.has(slot), slot).toBe(true);
  });
});
