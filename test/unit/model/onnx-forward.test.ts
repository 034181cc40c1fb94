// The ONNX engine's first piece (issue: a compute engine near the machine's limit): the forward graph built in code
// from the model config gives the tfjs reference model's logits, in ONNX Runtime, with the same weights fed in.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { forwardModelBytes, weightInputs } from '../../../src-main/model/onnx/forward-graph';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

describe('the ONNX forward graph', () => {
  it('gives the tfjs logits (padding and different lengths included) on the small preset', async () => {
    const config = modelConfig('small', 300);
    const model = Transformer.create(config, 7);
    const ids = [
      [5, 17, 250, 3, 99, 1, 42, 8],
      [9, 9, 120, 4, 0, 0, 0, 0],
    ];
    const valid = ids.map((row, b) => row.map((_, i) => b === 0 || i < 4));
    const positions = ids.map((row) => row.map((_, i) => i));
    const [batch, length] = [ids.length, ids[0]!.length];
    const expected = tf.tidy(
      () => model.forward({ ids, positions, valid, logitsAt: 'all' }).dataSync() as Float32Array,
    );

    const session = await ort.InferenceSession.create(forwardModelBytes(config), { intraOpNumThreads: 1 });
    const mask = new Float32Array(batch * length * length).fill(-1e9);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < length; i++)
        for (let j = 0; j <= i; j++) if (valid[b]![j]) mask[(b * length + i) * length + j] = 0;
    const feeds: Record<string, ort.Tensor> = {
      ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat().map(BigInt)), [batch, length]),
      positions: new ort.Tensor('int64', BigInt64Array.from(positions.flat().map(BigInt)), [batch, length]),
      mask: new ort.Tensor('float32', mask, [batch, 1, length, length]),
    };
    const variables = model.variables();
    weightInputs(config).forEach((input, i) => {
      expect(variables[i]!.shape).toEqual(input.shape);
      feeds[input.name] = new ort.Tensor('float32', variables[i]!.dataSync() as Float32Array, input.shape);
    });
    const { logits } = await session.run(feeds);
    expect(logits!.dims).toEqual([batch, length, config.vocabSize]);
    const got = logits!.data as Float32Array;
    let [worst, largest] = [0, 0];
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < length; i++) {
        if (!valid[b]![i]) continue; // padding rows are never read
        for (let v = 0; v < config.vocabSize; v++) {
          const at = (b * length + i) * config.vocabSize + v;
          worst = Math.max(worst, Math.abs(got[at]! - expected[at]!));
          largest = Math.max(largest, Math.abs(expected[at]!));
        }
      }
    // float32 sums in another order: equal to 1e-5 of the logits' scale.
    expect(largest).toBeGreaterThan(0.01);
    expect(worst / largest).toBeLessThan(1e-5);
    await session.release();
    model.dispose();
  });
});
