// The cold start trains on what the model writes, as RL does: not on the question, not on tool results.
import { describe, expect, it } from 'vitest';
import { generateMiniSuite } from '../../../src-main/benchmarks/mini/suites';
import { Tokenizer } from '../../../src-main/model/tokenizer';
import { demonstrationTokens } from '../../../src-main/experiments/cold-start';

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
