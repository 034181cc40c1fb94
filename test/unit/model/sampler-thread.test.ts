import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { SamplerThread } from '../../../src-main/model/sampler-thread';
import { SamplingSession, type GenerateOptions } from '../../../src-main/model/session';
import { Transformer } from '../../../src-main/model/transformer';

// The worker runs the TypeScript source through tsx, as the built app runs out/main/sampler-worker.js.
const LOADER = new URL('../../support/ts-worker.mjs', import.meta.url);
const WORKER = new URL('../../../src-main/model/sampler-worker.ts', import.meta.url).href;
const options: GenerateOptions = { maxTokens: 12, temperature: 1, seed: 4 };
const prompts = [
  [1, 2, 3],
  [4, 5],
];

let model: Transformer;
let thread: SamplerThread;
beforeAll(async () => {
  await selectBackend();
  model = Transformer.create({ ...modelConfig('tiny', 50), contextLength: 32 }, 8);
  thread = new SamplerThread(LOADER, { entry: WORKER });
});
afterAll(async () => {
  await thread.stop();
  model.dispose();
});

async function sampleHere(): Promise<number[][]> {
  const session = new SamplingSession(model, 2);
  await session.extend(prompts);
  const ids = (await session.generate([0, 1], options)).map((g) => g.tokens.map((t) => t.id));
  session.dispose();
  return ids;
}

async function sampleThere(): Promise<number[][]> {
  const session = await thread.openSession(2);
  await session.extend(prompts);
  const generations = await session.generate([0, 1], options);
  await session.close();
  return generations.map((g) => g.tokens.map((t) => t.id));
}

describe('sampler thread', () => {
  it('starts its own backend and samples exactly what this thread samples', async () => {
    const backend = await thread.start(model);
    expect(backend.engine).toBe('wasm');
    expect(await sampleThere()).toEqual(await sampleHere());
  });

  it('follows the learner after a weight sync', async () => {
    const before = await sampleThere();
    tf.tidy(() =>
      model.variables().forEach((v) => v.assign(tf.add(v, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 3), 0.5)))),
    );
    expect(await sampleThere()).toEqual(before); // not synced yet
    await thread.syncWeights(model);
    const after = await sampleThere();
    expect(after).toEqual(await sampleHere());
    expect(after).not.toEqual(before);
  });

  it('runs from the built worker file too', async () => {
    const built = new SamplerThread(new URL('../../../out/main/sampler-worker.js', import.meta.url));
    try {
      await built.start(model);
      const session = await built.openSession(2);
      await session.extend(prompts);
      const ids = (await session.generate([0, 1], options)).map((g) => g.tokens.map((t) => t.id));
      expect(ids).toEqual(await sampleHere());
    } finally {
      await built.stop();
    }
  });

  it('reports errors from the thread as rejections', async () => {
    const session = await thread.openSession(1);
    await expect(session.generate([0], options)).rejects.toThrow(/sampler thread: sequence 0 has no prompt yet/);
  });
});
