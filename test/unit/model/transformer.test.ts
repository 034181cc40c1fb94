import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { AdamW, trainStep } from '../../../src-main/model/optimizer';
import { maskedMean, scoreTokens } from '../../../src-main/model/scoring';
import { Transformer } from '../../../src-main/model/transformer';

beforeAll(async () => {
  await selectBackend();
});

describe('transformer', () => {
  it('gradients match finite differences on the tiny model', () => {
    const config = { ...modelConfig('tiny', 20), contextLength: 16 };
    const model = Transformer.create(config, 1);
    const sequences = [
      [1, 5, 7, 3, 9, 2],
      [4, 4, 8, 1],
    ];
    const weights = tf.tensor2d([
      [0.3, -1, 2, 0.5, 1],
      [1, -0.5, 0.2, 0, 0],
    ]);
    const loss = () =>
      tf.tidy(() => {
        const { logp, entropy, mask } = scoreTokens(model, sequences);
        return maskedMean(tf.add(tf.mul(logp, weights), tf.mul(entropy, 0.1)), mask);
      });
    const variables = model.variables();
    const { grads } = tf.variableGrads(loss, variables);
    const eps = 1e-2;
    let checked = 0;
    for (const variable of variables) {
      const analytic = Array.from(grads[variable.name]!.dataSync());
      const values = variable.dataSync().slice();
      // A few entries per tensor: the largest-gradient one and two fixed ones.
      const largest = analytic.reduce((best, g, i) => (Math.abs(g) > Math.abs(analytic[best]!) ? i : best), 0);
      for (const index of new Set([largest, 0, values.length - 1])) {
        const at = (delta: number) => {
          const copy = values.slice();
          copy[index]! += delta;
          variable.assign(tf.tensor(copy, variable.shape));
          return loss().dataSync()[0]!;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        variable.assign(tf.tensor(values, variable.shape));
        expect(analytic[index]!, `${variable.name}[${index}]`).toBeCloseTo(numeric, 2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    model.dispose();
  });

  it('frees everything it created once model and optimizer are disposed', () => {
    const before = tf.memory().numTensors;
    const model = Transformer.create(modelConfig('tiny', 24), 9);
    const optimizer = new AdamW(model.variables(), { learningRate: 1e-3 });
    trainStep(model.variables(), optimizer, () =>
      tf.tidy(() => tf.neg(maskedMean(scoreTokens(model, [[1, 2, 3]]).logp, tf.ones([1, 2])))),
    );
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not leak tensors across training steps', () => {
    const model = Transformer.create(modelConfig('tiny', 24), 2);
    const optimizer = new AdamW(model.variables(), { learningRate: 1e-3 });
    const batch = [
      [1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3],
    ];
    const step = () =>
      trainStep(model.variables(), optimizer, () =>
        tf.tidy(() => {
          const { logp, mask } = scoreTokens(model, batch);
          return tf.neg(maskedMean(logp, mask));
        }),
      );
    step();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 99; i++) step();
    expect(tf.memory().numTensors).toBe(after1);
    model.dispose();
    optimizer.dispose();
  });
});
