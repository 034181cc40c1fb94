/**
 * The toy tool task used by the RL tests and the branching benchmark: a cold-started `tiny` policy (a BPE tokenizer
 * and a transformer trained for a few hundred steps of next-token loss on the generated agent corpus, so its rollouts
 * contain real tool calls), arithmetic questions answered with the python tool, and the toy tool set.
 */
import * as tf from '@tensorflow/tfjs';
import { modelConfig } from '../../model/config';
import { agentCorpus } from '../../model/corpus';
import { AdamW, policyStep } from '../../model/optimizer';
import { Rng } from '../../model/rng';
import { maskedMean } from '../../model/scoring';
import { Tokenizer } from '../../model/tokenizer';
import { Transformer } from '../../model/transformer';
import type { RolloutQuestion } from '../../rl/rollout/types';
import { ToyTools } from '../../tools/toy';

export interface AgentFixture {
  tokenizer: Tokenizer;
  model: Transformer;
}

export function coldStartToyAgent(steps = 250): AgentFixture {
  const corpus = [...agentCorpus(400, 11)];
  const tokenizer = Tokenizer.train(corpus, 400);
  const model = Transformer.create({ ...modelConfig('tiny', tokenizer.vocabSize), contextLength: 160 }, 5);
  const optimizer = new AdamW(model.variables(), { learningRate: 3e-3, weightDecay: 0 });
  const encoded = corpus.map((text) => tokenizer.encode(text).slice(0, 100));
  const rng = new Rng(2);
  for (let step = 0; step < steps; step++) {
    const batch = Array.from({ length: 8 }, () => encoded[Math.floor(rng.next() * encoded.length)]!);
    policyStep(model, optimizer, batch, ({ logp, mask }) => tf.neg(maskedMean(logp, mask)));
  }
  optimizer.dispose();
  return { tokenizer, model };
}

/** "What is a + b?" questions in the corpus's format, answered with python. */
export function arithmeticQuestions(count: number, seed: number): RolloutQuestion[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const a = 10 + Math.floor(rng.next() * 90);
    const b = 2 + Math.floor(rng.next() * 9);
    return { id: `q${i}`, prompt: `Question: What is ${a} + ${b}?\n`, answers: [String(a + b)] };
  });
}

export const toyTools = () => new ToyTools({ 'the river': 'was founded in Halden.' });
