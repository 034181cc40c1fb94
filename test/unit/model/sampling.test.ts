import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/model/rng';
import { pickToken } from '../../../src-main/model/sampling';

const logits = Float32Array.from([2, 1, 0.5, -1, 3]);

function frequencies(params: Parameters<typeof pickToken>[1], draws = 20_000): number[] {
  const rng = new Rng(1);
  const counts = new Array(logits.length).fill(0) as number[];
  for (let i = 0; i < draws; i++) counts[pickToken(logits, params, rng).id]!++;
  return counts.map((c) => c / draws);
}

const softmax = (z: number[], t = 1) => {
  const e = z.map((v) => Math.exp(v / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

describe('pickToken', () => {
  it('samples the softmax at the given temperature', () => {
    const expected = softmax([...logits], 0.7);
    frequencies({ temperature: 0.7 }).forEach((f, i) => expect(f).toBeCloseTo(expected[i]!, 1));
  });

  it('keeps only the top k, and the top-p nucleus', () => {
    const topK = frequencies({ topK: 2 });
    expect(topK[2]! + topK[3]! + topK[1]!).toBe(0);
    expect(topK[4]! / topK[0]!).toBeCloseTo(Math.exp(1), 0);
    const p = softmax([...logits]);
    const nucleus = frequencies({ topP: p[4]! + 0.01 }); // more than the best id alone: the best two
    expect(nucleus[4]! + nucleus[0]!).toBe(1);
  });

  it('reports log-prob and entropy of the full distribution, greedy included', () => {
    const p = softmax([...logits]);
    const entropy = -p.reduce((h, q) => h + q * Math.log(q), 0);
    const greedy = pickToken(logits, { temperature: 0 }, new Rng(0));
    expect(greedy.id).toBe(4);
    expect(greedy.logp).toBeCloseTo(Math.log(p[4]!), 6);
    expect(greedy.entropy).toBeCloseTo(entropy, 6);
    const cut = pickToken(logits, { topK: 1 }, new Rng(0));
    expect(cut.logp).toBeCloseTo(Math.log(p[4]!), 6);
  });
  it('reports the entropy over the 10 most likely ids and the sampled one when asked (what vLLM gave the authors)', () => {
    const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3);
    const plain = pickToken(logits, { temperature: 1 }, new Rng(1));
    expect(plain.topEntropy).toBeUndefined();
    const picked = pickToken(logits, { temperature: 1, topEntropyIds: 10 }, new Rng(1));
    const max = Math.max(...logits);
    const exps = Array.from(logits, (z) => Math.exp(z - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const probabilities = exps.map((e) => e / total);
    const top = [...probabilities].sort((a, b) => b - a).slice(0, 10);
    // The sampled id's term joins the list when it is not among the top 10.
    const sampled = probabilities[picked.id]!;
    const listed = sampled < top.at(-1)! ? [...top, sampled] : top;
    expect(picked.topEntropy).toBeCloseTo(-listed.reduce((h, p) => h + p * Math.log(p), 0), 9);
    expect(picked.topEntropy!).toBeLessThan(picked.entropy);
    expect(picked.id).toBe(plain.id);
  });
});
