// The two engines held to each other: the same scores, and the same policy updates (loss, gradient norm and the
// weights after several AdamW steps) from the same start, with a loss that uses both log-probs and entropies.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { onnxEngine, selectTrainingEngine, tfjsEngine, type TrainingEngine } from '../../../src-main/model/engine';
import { AdamW } from '../../../src-main/model/optimizer';
import { maskedMean, type ScoredTokens } from '../../../src-main/model/scoring';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

const sequences = [
  [5, 17, 250, 3, 99, 1, 42, 8, 77, 12, 4, 4],
  [9, 9, 120, 4, 61],
  [2, 280, 33, 33, 33, 7, 190],
  [1, 2, 3],
];
const options = { temperature: 0.7 };

/** A clipped-ratio policy loss with an entropy term: what the RL losses look like to the engine. */
function loss(old: number[][]) {
  return ({ logp, entropy, mask }: ScoredTokens) => {
    const advantages = tf.tensor2d(old.map((row, b) => row.map((_, t) => Math.sin(b + t))));
    const ratio = tf.exp(tf.sub(logp, tf.tensor2d(old)));
    const clipped = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 0.8, 1.2), advantages));
    return tf.neg(maskedMean(tf.add(clipped, tf.mul(entropy, 0.01)), mask));
  };
}

async function train(engine: TrainingEngine, steps: number) {
  const model = Transformer.create(modelConfig('small', 300), 11);
  const optimizer = new AdamW(model.variables(), { learningRate: 3e-3 });
  // The "old" policy a little off the current one, so ratios move and some clip.
  const old = (await engine.score(model, sequences, options)).logp.map((row) =>
    row.map((x, t) => x - 0.1 * Math.cos(t)),
  );
  const results = [];
  for (let i = 0; i < steps; i++)
    results.push(await engine.policyStep(model, optimizer, sequences, loss(old), options));
  const weights = model.variables().map((v) => v.dataSync() as Float32Array);
  const scored = await engine.score(model, sequences, options);
  model.dispose();
  optimizer.dispose();
  return { results, weights, scored };
}

describe('the ONNX engine', () => {
  it('trains as the tfjs engine does: same losses, gradient norms and weights after 3 AdamW steps (lr 3e-3)', async () => {
    const reference = await train(tfjsEngine, 3);
    const engine = await onnxEngine(modelConfig('small', 300), 2);
    const onnx = await train(engine, 3);
    expect(engine.name).toBe('onnx');
    // No CUDA libraries here: the CUDA provider is tried, skipped in words, and the CPU one runs.
    expect(engine.device).toBe('onnxruntime cpu');
    expect(engine.skipped).toEqual([
      {
        name: 'cuda',
        reason: expect.stringMatching(
          /^not installed \(libonnxruntime_providers_cuda\.so comes from .* install script/,
        ),
      },
    ]);
    onnx.results.forEach((result, i) => {
      expect(result.loss).toBeCloseTo(reference.results[i]!.loss, 5);
      expect(result.gradNorm / reference.results[i]!.gradNorm).toBeCloseTo(1, 4);
    });
    onnx.weights.forEach((w, i) => {
      const ref = reference.weights[i]!;
      let worst = 0;
      for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(w[j]! - ref[j]!));
      // Adam divides by √v: where a gradient is near 0, float noise moves a weight by up to a step's share.
      expect(worst, `weight ${i}`).toBeLessThan(1e-4);
    });
    onnx.scored.entropy.forEach((row, b) =>
      row.forEach((h, t) => {
        if (t + 1 < sequences[b]!.length) expect(Math.abs(h - reference.scored.entropy[b]![t]!)).toBeLessThan(1e-4);
      }),
    );
  });

  it("takes a loss of the log-probs alone (the cold start's), and AEPO_LAB_BACKEND chooses the engine", async () => {
    const config = modelConfig('tiny', 300);
    const model = Transformer.create(config, 2);
    const optimizer = new AdamW(model.variables(), { learningRate: 1e-3 });
    const engine = await onnxEngine(config, 1);
    const step = await engine.policyStep(model, optimizer, [[1, 2, 3, 4]], ({ logp, mask }) =>
      tf.neg(maskedMean(logp, mask)),
    );
    expect(step.gradNorm).toBeGreaterThan(0);
    const saved = process.env.AEPO_LAB_BACKEND;
    try {
      process.env.AEPO_LAB_BACKEND = 'wasm';
      expect((await selectTrainingEngine(config, 1)).name).toBe('tfjs');
      process.env.AEPO_LAB_BACKEND = 'onnx,wasm';
      expect((await selectTrainingEngine(config, 1)).name).toBe('onnx');
      delete process.env.AEPO_LAB_BACKEND;
      expect((await selectTrainingEngine(config, 1)).name).toBe('onnx');
    } finally {
      if (saved === undefined) delete process.env.AEPO_LAB_BACKEND;
      else process.env.AEPO_LAB_BACKEND = saved;
    }
    model.dispose();
    optimizer.dispose();
  });

  it('samples the same tokens as the tfjs engine under greedy decoding, through a fork', async () => {
    const config = modelConfig('small', 300);
    const model = Transformer.create(config, 9);
    const engine = await onnxEngine(config, 2);
    const sample = async (which: TrainingEngine) => {
      const session = which.openSession(model, 3);
      await session.extend([[4, 5, 6, 7], [8, 9], null]);
      const first = await session.generate([0, 1], { maxTokens: 12, temperature: 0 });
      session.fork(1, 2);
      await session.extend([null, [20, 21], [22]]);
      const second = await session.generate([1, 2], { maxTokens: 12, temperature: 0 });
      session.dispose();
      return [...first, ...second].map((g) => g.tokens.map((t) => t.id));
    };
    const [reference, onnx] = [await sample(tfjsEngine), await sample(engine)];
    expect(onnx).toEqual(reference);
    expect(onnx.flat().length).toBeGreaterThan(40);
    model.dispose();
  });
});
