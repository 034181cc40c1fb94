import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { loadCheckpoint, saveCheckpoint } from '../../../src-main/model/checkpoint';
import { modelConfig } from '../../../src-main/model/config';
import { agentCorpus } from '../../../src-main/model/corpus';
import { AdamW, trainStep } from '../../../src-main/model/optimizer';
import { maskedMean, scoreTokens } from '../../../src-main/model/scoring';
import { Tokenizer } from '../../../src-main/model/tokenizer';
import { Transformer } from '../../../src-main/model/transformer';
import { tempDir } from '../../support/temp';

beforeAll(async () => {
  await selectBackend();
});

const meta = { runId: 7, step: 3, appVersion: '0.1.0', createdAt: 1_700_000_000_000 };

function trainedModel() {
  const tokenizer = Tokenizer.train(agentCorpus(100, 2), 300);
  const model = Transformer.create(modelConfig('tiny', tokenizer.vocabSize), 4);
  const optimizer = new AdamW(model.variables(), { learningRate: 1e-3 });
  const batch = [tokenizer.encode('<think>hi</think><answer>1</answer>')];
  for (let i = 0; i < 3; i++) {
    trainStep(model.variables(), optimizer, () =>
      tf.tidy(() => {
        const { logp, mask } = scoreTokens(model, batch);
        return tf.neg(maskedMean(logp, mask));
      }),
    );
  }
  return { tokenizer, model, optimizer };
}

const bytesOf = (variables: tf.Variable[]) =>
  variables.map((v) => Buffer.from((v.dataSync() as Float32Array).buffer).toString('hex'));

describe('checkpoints', () => {
  it('load back bit-identically: weights, optimizer moments, tokenizer, config and meta', () => {
    const { tokenizer, model, optimizer } = trainedModel();
    const file = join(tempDir(), 'step-3.ckpt');
    const { bytes, sha256 } = saveCheckpoint(file, { model, tokenizer, optimizer, meta });
    expect(bytes).toBe(readFileSync(file).length);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const loaded = loadCheckpoint(file);
    expect(bytesOf(loaded.model.variables())).toEqual(bytesOf(model.variables()));
    expect(loaded.model.config).toEqual(model.config);
    expect(loaded.meta).toEqual(meta);
    expect(loaded.tokenizer.merges).toEqual(tokenizer.merges);
    const state = optimizer.state();
    expect(loaded.optimizerState?.step).toBe(3);
    loaded.optimizerState!.moments.forEach(({ m, v }, i) => {
      expect(Buffer.from(m.buffer).equals(Buffer.from(state.moments[i]!.m.buffer))).toBe(true);
      expect(Buffer.from(v.buffer).equals(Buffer.from(state.moments[i]!.v.buffer))).toBe(true);
    });
    model.dispose();
    loaded.model.dispose();
    optimizer.dispose();
  });

  it('writes atomically: no temporary file is left, and a failed write keeps the old checkpoint', () => {
    const { tokenizer, model } = trainedModel();
    const dir = tempDir();
    const file = join(dir, 'latest.ckpt');
    saveCheckpoint(file, { model, tokenizer, meta });
    const before = readFileSync(file);
    expect(() => saveCheckpoint(join(dir, 'missing-folder', 'x.ckpt'), { model, tokenizer, meta })).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['latest.ckpt']);
    expect(readFileSync(file).equals(before)).toBe(true);
    model.dispose();
  });

  it('refuses truncated, corrupted and foreign files with a clear reason', () => {
    const { tokenizer, model } = trainedModel();
    const dir = tempDir();
    const file = join(dir, 'good.ckpt');
    saveCheckpoint(file, { model, tokenizer, meta });
    const good = readFileSync(file);
    const cases: [string, Buffer, RegExp][] = [
      ['truncated.ckpt', good.subarray(0, good.length - 100), /is truncated: \d+ of \d+ weight bytes are present/],
      ['cut-header.ckpt', good.subarray(0, 40), /is truncated: its header needs/],
      [
        'flipped.ckpt',
        Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])]),
        /is corrupt: the weights do not match/,
      ],
      ['foreign.ckpt', Buffer.from('PK\u0003\u0004 some zip file that is not ours'), /is not an AEPO Lab checkpoint/],
      ['empty.ckpt', Buffer.alloc(0), /is not an AEPO Lab checkpoint/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(() => loadCheckpoint(path), name).toThrow(message);
    }
    model.dispose();
  });
});
