import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { AdamW, trainStep } from '../../../src-main/model/optimizer';
import { maskedMean, scoreTokens } from '../../../src-main/model/scoring';
import { Rng } from '../../../src-main/model/rng';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

/** "x1 … x5 | x1 … x5": the second half can only be predicted by copying the first. */
const SYMBOLS = 12;
const SEPARATOR = SYMBOLS;
const HALF = 5;

function copyBatch(rng: Rng, size: number): number[][] {
  return Array.from({ length: size }, () => {
    const first = Array.from({ length: HALF }, () => Math.floor(rng.next() * SYMBOLS));
    return [...first, SEPARATOR, ...first];
  });
}

/** Loss only on the copied half: positions whose target is after the separator. */
const copyMask = (batch: number[][]) => tf.tensor2d(batch.map((s) => s.slice(1).map((_, i) => (i >= HALF ? 1 : 0))));

describe('learning', () => {
  it('the tiny model learns to copy: loss on the copied half falls below 0.2 nats within 300 steps', () => {
    const model = Transformer.create({ ...modelConfig('tiny', SYMBOLS + 1), contextLength: 16 }, 0);
    const optimizer = new AdamW(model.variables(), { learningRate: 3e-3, weightDecay: 0 });
    const rng = new Rng(1);
    const lossOn = (batch: number[][]) => () =>
      tf.tidy(() => {
        const { logp } = scoreTokens(model, batch);
        return tf.neg(maskedMean(logp, copyMask(batch)));
      });
    const initial = lossOn(copyBatch(new Rng(99), 64))().dataSync()[0]!;
    for (let step = 0; step < 300; step++) trainStep(model.variables(), optimizer, lossOn(copyBatch(rng, 16)));
    const final = lossOn(copyBatch(new Rng(99), 64))().dataSync()[0]!;
    expect(initial).toBeGreaterThan(2); // ≈ ln 13 before training
    expect(final).toBeLessThan(0.2);
    model.dispose();
    optimizer.dispose();
  });
});
