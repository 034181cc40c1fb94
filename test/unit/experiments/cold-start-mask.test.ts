// The cold start trains on what the model writes, as RL does: not on the question, not on tool results.
import { describe, expect, it } from 'vitest';
import { generateMiniSuite } from '../../../src-main/benchmarks/mini/suites';
import { Tokenizer } from '../../../src-main/model/tokenizer';
import {
  baseCheckpoint,
  baseCheckpointKey,
  demonstrationTokens,
  loadBase,
} from '../../../src-main/experiments/execution/cold-start';
import { runConfigSchema } from '../../../src-main/experiments/plan/run-config';
import { tempDir } from '../../support/temp';

describe('cold-start loss mask', () => {
  const suite = generateMiniSuite('mini-hotpotqa', { seed: 1, train: 12, test: 1 });
  const tokenizer = Tokenizer.train(
    suite.train.map((item) => item.demonstration),
    400,
  );

  it('gives the whole text’s tokens, learning exactly the model-written ones', () => {
    for (const item of suite.train) {
      const text = item.demonstration;
      const { tokens, learn } = demonstrationTokens(tokenizer, text);
      expect(tokens).toEqual(tokenizer.encode(text));
      // The question (the rollouts' prompt) is never learnt, and is exactly its first tokens.
      const prompt = tokenizer.encode(`Question: ${item.question}\n`);
      expect(tokens.slice(0, prompt.length)).toEqual(prompt);
      expect(learn.slice(0, prompt.length).every((x) => x === 0)).toBe(true);
      // Decoding the learnt and unlearnt stretches gives the model's writing and the tool results apart.
      let written = '';
      let read = '';
      tokens.forEach((token, i) => {
        if (learn[i]) written += tokenizer.tokenText(token);
        else if (i >= prompt.length) read += tokenizer.tokenText(token);
      });
      const results = [...text.matchAll(/ <result>\n[\s\S]*?\n<\/result>/g)].map((m) => m[0]);
      expect(results.length).toBeGreaterThan(0);
      expect(read).toBe(results.join(''));
      expect(written).toContain('<think>');
      expect(written).toMatch(/<answer>.*<\/answer><eos>$/);
      expect(written).not.toContain('<result>');
    }
  });
});

describe('a cold start per seed', () => {
  it('keys each seed apart and leaves the shared base key as it was; seeds train to different weights', async () => {
    const suite = generateMiniSuite('mini-gsm8k', { seed: 1, train: 6, test: 1 });
    const config = runConfigSchema.parse({ coldStart: { steps: 2, batchSize: 2 } });
    const shared = baseCheckpointKey([suite], config);
    // The flag itself is not part of the key: turning it on does not orphan the shared base checkpoint.
    expect(baseCheckpointKey([suite], { ...config, coldStart: { ...config.coldStart, perSeed: true } })).toBe(shared);
    expect(new Set([shared, baseCheckpointKey([suite], config, 1), baseCheckpointKey([suite], config, 2)]).size).toBe(
      3,
    );
    const dataDir = tempDir();
    const files = await Promise.all(
      [1, 2].map((seed) => baseCheckpoint(dataDir, [suite], config, undefined, undefined, seed)),
    );
    const weights = files.map(({ file }) => {
      const { model } = loadBase(file);
      const values = model.variables()[0]!.dataSync().slice(0, 16);
      model.dispose();
      return [...values];
    });
    expect(weights[0]).not.toEqual(weights[1]);
    expect(files[0]!.file).toContain(baseCheckpointKey([suite], config, 1));
  }, 120_000);
});
