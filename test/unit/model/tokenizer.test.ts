import { describe, expect, it } from 'vitest';
import { agentCorpus } from '../../../src-main/model/corpus';
import { EOS_ID, SPECIAL_TOKENS, Tokenizer } from '../../../src-main/model/tokenizer';

const tokenizer = Tokenizer.train(agentCorpus(400, 1), 512);

describe('byte-level BPE tokenizer', () => {
  it('learns merges up to the requested vocabulary, deterministically', () => {
    expect(tokenizer.vocabSize).toBe(512);
    expect(Tokenizer.train(agentCorpus(400, 1), 512).merges).toEqual(tokenizer.merges);
  });

  it('round-trips any UTF-8 text exactly, Chinese and emoji included', () => {
    const texts = [
      'What is 12 * 34?',
      '北京是中国的首都。上海在东边。',
      'naïve café — “quotes” and emoji 🧪🤖, tabs\tand\nnewlines  with  double spaces ',
      '<think>plan</think><search>河流 名字</search><result>Page 1: x</result><answer>42</answer><eos>',
      '',
      '\u0000\u{10FFFF} <think',
    ];
    for (const text of texts) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('gives each tag and EOS a single token', () => {
    for (const special of SPECIAL_TOKENS) expect(tokenizer.encode(special)).toEqual([tokenizer.idOf(special)]);
    expect(tokenizer.idOf('<eos>')).toBe(EOS_ID);
    const ids = tokenizer.encode('<python>print(1)</python>');
    expect(ids[0]).toBe(tokenizer.idOf('<python>'));
    expect(ids.at(-1)).toBe(tokenizer.idOf('</python>'));
  });

  it('compresses text of the kind it was trained on', () => {
    const sample = [...agentCorpus(20, 99)].join('');
    expect(tokenizer.encode(sample).length).toBeLessThan(new TextEncoder().encode(sample).length / 2.5);
  });

  it('keeps digits as separate tokens', () => {
    const ids = tokenizer.encode('1234');
    expect(ids).toHaveLength(4);
  });

  it('saves and loads to the same encoding, and refuses foreign JSON', () => {
    const loaded = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer)));
    const text = [...agentCorpus(5, 7)].join(' ');
    expect(loaded.encode(text)).toEqual(tokenizer.encode(text));
    expect(() => Tokenizer.fromJSON({ model: { type: 'BPE' } })).toThrow(/not an AEPO Lab tokenizer/);
  });
});
