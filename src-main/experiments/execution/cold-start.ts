/**
 * The base checkpoint every run of an experiment starts from: a tokenizer trained on the suites' demonstrations and
 * a policy fine-tuned on them (supervised, on the model-written tokens only: not the question, not the tool results,
 * as RL trains; docs/algorithms.md, "Masks"). Cached by the hash of everything that produced it, so every run, and
 * every later experiment with the same inputs, reuses the same file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { MiniSuite } from '../../benchmarks/mini/suites';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../../model/checkpoint';
import { modelConfig } from '../../model/config';
import { tfjsEngine, type TrainingEngine } from '../../model/engine';
import { AdamW } from '../../model/optimizer';
import { Rng } from '../../model/rng';
import { maskedMean } from '../../model/scoring';
import { Tokenizer } from '../../model/tokenizer';
import { Transformer } from '../../model/transformer';
import type { RunConfig } from '../plan/run-config';

export interface BaseCheckpoint {
  file: string;
  /** True when the file was already there (an earlier experiment made it). */
  reused: boolean;
  seconds: number;
}

/** The suites a cold start learns from: the config's `coldStart.suites`, else the experiment's own. */
export function coldStartSuites(config: RunConfig, benchmarks: string[]): string[] {
  return config.coldStart.suites.length > 0 ? config.coldStart.suites : benchmarks;
}

/**
 * The cache key: the suites (by id and content), every config field that shapes the base policy, and the seed of a
 * per-seed cold start (null: the one shared base, whose key is what it was before per-seed cold starts existed).
 */
export function baseCheckpointKey(suites: MiniSuite[], config: RunConfig, seed: number | null = null): string {
  const hash = createHash('sha256');
  // format 2: the loss covers model-written tokens only (format 1 also trained on the question and tool results).
  // The suites are hashed by content below; an empty list (the experiment's own) keeps the keys made before it existed.
  const { perSeed: _perSeed, suites: _suites, ...coldStart } = config.coldStart;
  // The key's field names stay as they were when model.size was called model.preset, so checkpoints made then are
  // still found.
  const { size, ...model } = config.model;
  hash.update(JSON.stringify({ model: { preset: size, ...model }, coldStart, format: 2 }));
  if (seed !== null) hash.update(JSON.stringify({ seed }));
  for (const suite of suites) hash.update(JSON.stringify([suite.id, suite.train.map((item) => item.demonstration)]));
  return hash.digest('hex').slice(0, 16);
}

/** A tool result as the rollout engine appends it: written by the tool, never by the model. */
const TOOL_RESULT = / <result>\n[\s\S]*?\n<\/result>/g;

/**
 * A demonstration's tokens and, per token, whether the model wrote it (1) or it is the question or a tool result (0).
 * The question is the first line (`Question: …\n`, the rollouts' prompt). Each stretch is encoded on its own, as a
 * rollout appends them; stretches meet at special tokens, which BPE never merges across, so the tokens are the
 * whole text's.
 */
export function demonstrationTokens(tokenizer: Tokenizer, text: string): { tokens: number[]; learn: number[] } {
  const tokens: number[] = [];
  const learn: number[] = [];
  const add = (stretch: string, written: number) => {
    for (const token of tokenizer.encode(stretch)) {
      tokens.push(token);
      learn.push(written);
    }
  };
  const promptEnd = text.indexOf('\n') + 1;
  add(text.slice(0, promptEnd), 0);
  let at = promptEnd;
  for (const result of text.slice(promptEnd).matchAll(TOOL_RESULT)) {
    add(text.slice(at, promptEnd + result.index), 1);
    add(result[0], 0);
    at = promptEnd + result.index + result[0].length;
  }
  add(text.slice(at), 1);
  return { tokens, learn };
}

export async function baseCheckpoint(
  dataDir: string,
  suites: MiniSuite[],
  config: RunConfig,
  onProgress: (step: number, total: number, loss: number) => void = () => {},
  /** What trains it (model/engine.ts), for a model of the given shape; default the tfjs reference. */
  engineFor: (model: Transformer) => Promise<TrainingEngine> = async () => tfjsEngine,
  /** A per-seed cold start's seed: its initial weights and batch order (null: the shared base). */
  seed: number | null = null,
): Promise<BaseCheckpoint> {
  const started = performance.now();
  const folder = join(dataDir, 'checkpoints');
  const file = join(folder, `base-${baseCheckpointKey(suites, config, seed)}.ckpt`);
  if (existsSync(file)) {
    try {
      loadCheckpoint(file).model.dispose(); // it must still load: a corrupt cached file is made again
      return { file, reused: true, seconds: (performance.now() - started) / 1000 };
    } catch {
      // fall through and rebuild it
    }
  }
  const demonstrations = suites.flatMap((suite) => suite.train.map((item) => item.demonstration));
  const tokenizer = Tokenizer.train(demonstrations, config.model.vocabSize);
  const { size, contextLength } = config.model;
  // The shared base keeps the seeds it always had (weights 1, batches 3); a per-seed one derives both from its seed.
  const model = Transformer.create({ ...modelConfig(size, tokenizer.vocabSize), contextLength }, seed ?? 1);
  const optimizer = new AdamW(model.variables(), { learningRate: config.coldStart.learningRate, weightDecay: 0 });
  const encoded = demonstrations.map((text) => {
    const { tokens, learn } = demonstrationTokens(tokenizer, text);
    return { tokens: tokens.slice(0, contextLength), learn: learn.slice(0, contextLength) };
  });
  const rng = new Rng(seed === null ? 3 : 0x5eed0000 + seed);
  const engine = await engineFor(model);
  try {
    for (let step = 1; step <= config.coldStart.steps; step++) {
      const batch = Array.from(
        { length: config.coldStart.batchSize },
        () => encoded[Math.floor(rng.next() * encoded.length)]!,
      );
      // Column c of the scores predicts token c + 1: it is learnt when the model wrote that token.
      const learnt = (width: number) =>
        tf.tensor2d(batch.map((d) => Array.from({ length: width }, (_, c) => d.learn[c + 1] ?? 0)));
      const sequences = batch.map((d) => d.tokens);
      const { loss } = await engine.policyStep(model, optimizer, sequences, ({ logp, mask }) =>
        tf.neg(maskedMean(logp, tf.mul(mask, learnt(logp.shape[1])))),
      );
      onProgress(step, config.coldStart.steps, loss);
    }
    mkdirSync(folder, { recursive: true });
    saveCheckpoint(file, {
      model,
      tokenizer,
      meta: { runId: null, step: config.coldStart.steps, appVersion: 'base', createdAt: Date.now() },
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return { file, reused: false, seconds: (performance.now() - started) / 1000 };
}

export function loadBase(file: string): Checkpoint {
  return loadCheckpoint(file);
}
