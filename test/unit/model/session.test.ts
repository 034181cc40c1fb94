import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { modelConfig } from '../../../src-main/model/config';
import { scoreTokens } from '../../../src-main/model/scoring';
import { SamplingSession } from '../../../src-main/model/session';
import { Transformer } from '../../../src-main/model/transformer';

let model: Transformer;
beforeAll(async () => {
  await selectBackend();
  // Larger init than GPT-2's so a random model has varied, decisive argmaxes to compare.
  model = Transformer.create({ ...modelConfig('tiny', 40), contextLength: 48 }, 3);
  tf.tidy(() => model.variables().forEach((v) => v.assign(tf.mul(v, v.rank >= 2 ? 20 : 1))));
});

/** Greedy decoding by re-running the whole sequence every step: the slow reference the cache must match. */
function greedyByRecompute(prompt: number[], steps: number): { id: number; logp: number }[] {
  const seq = [...prompt];
  const out: { id: number; logp: number }[] = [];
  for (let s = 0; s < steps; s++) {
    const row = tf.tidy(() => {
      const logits = model.forward({ ids: [seq], positions: [seq.map((_, i) => i)], logitsAt: 'last' });
      return tf.logSoftmax(logits).dataSync() as Float32Array;
    });
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
    out.push({ id: best, logp: row[best]! });
    seq.push(best);
  }
  return out;
}

describe('KV-cache sampling', () => {
  it('greedy tokens and log-probs equal full recomputation, for a ragged batch', async () => {
    const prompts = [
      [5, 9, 2, 30],
      [7, 1],
      [3, 3, 3, 3, 3, 3, 3],
    ];
    const session = new SamplingSession(model, 3);
    await session.extend(prompts);
    const generated = await session.generate([0, 1, 2], { maxTokens: 12, temperature: 0 });
    prompts.forEach((prompt, i) => {
      const reference = greedyByRecompute(prompt, 12);
      expect(generated[i]!.tokens.map((t) => t.id)).toEqual(reference.map((t) => t.id));
      generated[i]!.tokens.forEach((t, j) => expect(t.logp).toBeCloseTo(reference[j]!.logp, 4));
    });
    session.dispose();
  });

  it('continues after an appended tool result without recomputing the prefix, and matches recomputation', async () => {
    const session = new SamplingSession(model, 2);
    await session.extend([
      [4, 8, 15],
      [16, 23],
    ]);
    const first = await session.generate([0, 1], { maxTokens: 5, temperature: 0 });
    const result = [30, 31, 32, 33];
    await session.extend([result, null]); // only sequence 0 called a tool
    const second = await session.generate([0], { maxTokens: 6, temperature: 0 });
    const prefix = [4, 8, 15, ...first[0]!.tokens.map((t) => t.id), ...result];
    expect(session.tokens(0).slice(0, prefix.length)).toEqual(prefix);
    expect(second[0]!.tokens.map((t) => t.id)).toEqual(greedyByRecompute(prefix, 6).map((t) => t.id));
    session.dispose();
  });

  it('stops at a stop id and keeps it; reports length and context limits', async () => {
    const session = new SamplingSession(model, 1);
    await session.extend([[1, 2, 3]]);
    const probe = await session.generate([0], { maxTokens: 3, temperature: 0 });
    expect(probe[0]!.reason).toBe('length');
    const stopAt = probe[0]!.tokens[1]!.id;
    const again = new SamplingSession(model, 1);
    await again.extend([[1, 2, 3]]);
    const stopped = await again.generate([0], { maxTokens: 10, temperature: 0, stopIds: [stopAt] });
    expect(stopped[0]!.reason).toBe('stop');
    expect(stopped[0]!.tokens.at(-1)!.id).toBe(stopAt);
    const full = new SamplingSession(model, 1);
    await full.extend([Array.from({ length: 44 }, (_, i) => i % 40)]);
    expect((await full.generate([0], { maxTokens: 10, temperature: 1, seed: 1 }))[0]!.reason).toBe('context');
    for (const s of [session, again, full]) s.dispose();
  });

  it('forks a sequence: the copy continues exactly as the original would', async () => {
    const session = new SamplingSession(model, 3);
    await session.extend([[5, 6, 7], null, null]);
    await session.generate([0], { maxTokens: 4, temperature: 0 });
    session.fork(0, 2);
    expect(session.tokens(2)).toEqual(session.tokens(0));
    const [original, copy] = await session.generate([0, 2], { maxTokens: 6, temperature: 0 });
    expect(copy!.tokens.map((t) => t.id)).toEqual(original!.tokens.map((t) => t.id));
    expect(copy!.tokens.map((t) => t.id)).toEqual(
      greedyByRecompute([...session.tokens(2)].slice(0, 7), 6).map((t) => t.id),
    );
    expect(() => session.fork(0, 2)).toThrow(/in use/);
    session.dispose();
  });

  it('stops when the text ends with a stop string', async () => {
    const decode = (ids: number[]) => ids.map((id) => String.fromCharCode(97 + (id % 26))).join('');
    const probe = new SamplingSession(model, 1);
    await probe.extend([[1, 2, 3]]);
    const ids = (await probe.generate([0], { maxTokens: 6, temperature: 0 }))[0]!.tokens.map((t) => t.id);
    const stop = decode(ids.slice(2, 4));
    const session = new SamplingSession(model, 1);
    await session.extend([[1, 2, 3]]);
    const [stopped] = await session.generate([0], { maxTokens: 20, temperature: 0, stopStrings: [stop], decode });
    expect(stopped!.reason).toBe('stop');
    expect(decode(stopped!.tokens.map((t) => t.id)).endsWith(stop)).toBe(true);
    expect(stopped!.tokens.length).toBeLessThanOrEqual(4);
    await expect(session.generate([0], { maxTokens: 2, stopStrings: ['x'] })).rejects.toThrow(/need a decode function/);
    for (const s of [probe, session]) s.dispose();
  });

  it('is reproducible with a seed and varies without it', async () => {
    const run = async (seed: number) => {
      const session = new SamplingSession(model, 2);
      await session.extend([
        [2, 4],
        [6, 8],
      ]);
      const ids = (await session.generate([0, 1], { maxTokens: 15, temperature: 1.3, topP: 0.95, seed })).map((g) =>
        g.tokens.map((t) => t.id),
      );
      session.dispose();
      return ids;
    };
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('reports the log-prob and entropy that scoring computes for the same tokens', async () => {
    const session = new SamplingSession(model, 1);
    await session.extend([[9, 10, 11]]);
    const [gen] = await session.generate([0], { maxTokens: 8, temperature: 1, seed: 5 });
    const sequence = [...session.tokens(0)];
    const { logp, entropy } = tf.tidy(() => {
      const scored = scoreTokens(model, [sequence]);
      return { logp: scored.logp.dataSync(), entropy: scored.entropy.dataSync() };
    });
    gen!.tokens.forEach((t, j) => {
      expect(t.logp).toBeCloseTo(logp[2 + j]!, 4);
      expect(t.entropy).toBeCloseTo(entropy[2 + j]!, 4);
    });
    session.dispose();
  });

  it('keeps sampling from the weights it started with while the learner updates', async () => {
    const run = async (change: boolean) => {
      const session = new SamplingSession(model, 1);
      await session.extend([[2, 4, 6]]);
      const first = (await session.generate([0], { maxTokens: 3, temperature: 0 }))[0]!.tokens.map((t) => t.id);
      const saved = model.variables().map((v) => tf.clone(v));
      if (change) tf.tidy(() => model.variables().forEach((v) => v.assign(tf.neg(v))));
      const rest = (await session.generate([0], { maxTokens: 5, temperature: 0 }))[0]!.tokens.map((t) => t.id);
      model.variables().forEach((v, i) => v.assign(saved[i]!));
      saved.forEach((t) => t.dispose());
      session.dispose();
      return [...first, ...rest];
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const session = new SamplingSession(model, 2);
    await session.extend([[1], [2, 3]]);
    await session.generate([0, 1], { maxTokens: 10, seed: 1 });
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
