// Serve mode's chat model: a checkpoint answered from the sampler thread. The main thread holds no model (it never
// allocates a tensor), the answer is the one the same model gives when sampled here, and stop strings end it on the
// thread, which decodes with the checkpoint's tokenizer.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatModel, type ChatModel } from '../../../src-main/experiments/execution/chat-model';
import { selectBackend } from '../../../src-main/model/backend';
import { saveCheckpoint } from '../../../src-main/model/checkpoint';
import { modelConfig } from '../../../src-main/model/config';
import { SamplingSession } from '../../../src-main/model/session';
import { Tokenizer } from '../../../src-main/model/tokenizer';
import { Transformer } from '../../../src-main/model/transformer';
import { tempDir } from '../../support/temp';

const LOADER = new URL('../../support/ts-worker.mjs', import.meta.url);
const WORKER = new URL('../../../src-main/model/sampler-worker.ts', import.meta.url).href;

let tokenizer: Tokenizer;
let model: Transformer;
let chat: ChatModel;
let file: string;

beforeAll(async () => {
  await selectBackend();
  tokenizer = Tokenizer.train(['Question: what is 12 + 30? <python>print(12 + 30)</python> <answer>42</answer>'], 300);
  model = Transformer.create({ ...modelConfig('tiny', tokenizer.vocabSize), contextLength: 64 }, 3);
  file = join(tempDir(), 'tiny.ckpt');
  saveCheckpoint(file, { model, tokenizer, meta: { runId: null, step: 0, appVersion: '0', createdAt: 0 } });
  const before = tf.memory().numTensors;
  chat = await openChatModel(file, LOADER, { entry: WORKER });
  expect(tf.memory().numTensors).toBe(before); // nothing of the model lives on this thread
});

afterAll(async () => {
  await chat.close();
  model.dispose();
});

/** What the same model samples on this thread for the prompt, as token ids. */
async function sampledHere(maxTokens: number): Promise<number[]> {
  const session = new SamplingSession(model, 1);
  await session.extend([tokenizer.encode('Question: what is 12 + 30?\n')]);
  const [generation] = await session.generate([0], { maxTokens, temperature: 1, seed: 7 });
  session.dispose();
  return generation!.tokens.map((t) => t.id);
}

describe('the chat model of serve mode', () => {
  it('answers from the sampler thread what the model samples here, token for token', async () => {
    const here = await sampledHere(12);
    const eos = tokenizer.idOf('<eos>');
    const reply = await chat.complete({
      messages: [{ role: 'user', content: 'what is 12 + 30?' }],
      max_tokens: 12,
      temperature: 1,
      seed: 7,
    });
    const cut = here.includes(eos) ? here.slice(0, here.indexOf(eos)) : here;
    expect(reply.choices[0]!.message.content).toBe(tokenizer.decode(cut));
    expect(reply.usage.completion_tokens).toBe(here.includes(eos) ? here.indexOf(eos) + 1 : 12);
    expect(reply.model).toBe('tiny.ckpt');
  });

  it('stops at a stop string on the thread and leaves it out of the content', async () => {
    const here = await sampledHere(12);
    const eos = tokenizer.idOf('<eos>');
    const firstThree = here.slice(0, 3);
    const stop = tokenizer.decode(firstThree);
    // The seed samples three tokens of text first, so there is a stop string to meet.
    expect(firstThree.includes(eos) || stop === '', JSON.stringify(stop)).toBe(false);
    const reply = await chat.complete({
      messages: [{ role: 'user', content: 'what is 12 + 30?' }],
      max_tokens: 12,
      temperature: 1,
      seed: 7,
      stop: [stop],
    });
    expect(reply.choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: stop });
    expect(reply.usage.completion_tokens).toBeLessThanOrEqual(3);
  });

  it('refuses a prompt longer than the context in words', async () => {
    await expect(
      chat.complete({ messages: [{ role: 'user', content: 'twelve plus thirty '.repeat(40) }], max_tokens: 4 }),
    ).rejects.toThrow(/the prompt is \d+ tokens, the model's context 64/);
  });
});
