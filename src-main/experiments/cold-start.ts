/**
 * The base checkpoint every run of an experiment starts from: a tokenizer trained on the suites' demonstrations and
 * a policy fine-tuned on them (supervised, on the model-written tokens). Cached by the hash of everything that
 * produced it, so every run, and every later experiment with the same inputs, reuses the same file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { MiniSuite } from '../benchmarks/mini/suites';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../model/checkpoint';
import { presetConfig } from '../model/config';
import { tfjsEngine, type TrainingEngine } from '../model/engine';
import { AdamW } from '../model/optimizer';
import { Rng } from '../model/rng';
import { maskedMean } from '../model/scoring';
import { Tokenizer } from '../model/tokenizer';
import { Transformer } from '../model/transformer';
import type { RunConfig } from './run-config';

export interface BaseCheckpoint {
  file: string;
  /** True when the file was already there (an earlier experiment made it). */
  reused: boolean;
  seconds: number;
}

/** The cache key: the suites (by id and content) and every config field that shapes the base policy. */
export function baseCheckpointKey(suites: MiniSuite[], config: RunConfig): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ model: config.model, coldStart: config.coldStart, format: 1 }));
  for (const suite of suites) hash.update(JSON.stringify([suite.id, suite.train.map((item) => item.demonstration)]));
  return hash.digest('hex').slice(0, 16);
}

export async function baseCheckpoint(
  dataDir: string,
  suites: MiniSuite[],
  config: RunConfig,
  onProgress: (step: number, total: number, loss: number) => void = () => {},
  /** What trains it (model/engine.ts), for a model of the given shape; default the tfjs reference. */
  engineFor: (model: Transformer) => Promise<TrainingEngine> = async () => tfjsEngine,
): Promise<BaseCheckpoint> {
  const started = performance.now();
  const folder = join(dataDir, 'checkpoints');
  const file = join(folder, `base-${baseCheckpointKey(suites, config)}.ckpt`);
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
  const { preset, contextLength } = config.model;
  const model = Transformer.create({ ...presetConfig(preset, tokenizer.vocabSize), contextLength }, 1);
  const optimizer = new AdamW(model.variables(), { learningRate: config.coldStart.learningRate, weightDecay: 0 });
  const encoded = demonstrations.map((text) => tokenizer.encode(text).slice(0, contextLength));
  const rng = new Rng(3);
  const engine = await engineFor(model);
  try {
    for (let step = 1; step <= config.coldStart.steps; step++) {
      const batch = Array.from(
        { length: config.coldStart.batchSize },
        () => encoded[Math.floor(rng.next() * encoded.length)]!,
      );
      const { loss } = await engine.policyStep(model, optimizer, batch, ({ logp, mask }) =>
        tf.neg(maskedMean(logp, mask)),
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
