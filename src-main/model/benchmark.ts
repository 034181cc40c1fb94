/**
 * The policy's speed on this machine: a PPO-style train step (batch 16 × 128 tokens) and KV-cache sampling
 * (batch 16, 8-token prompts, 120 new tokens), both on the `small` preset, plus the matMul rate the backend reaches
 * on its fast path as a practical peak. Wall-clock medians; FLOPs count matMuls only (train = 3 × forward).
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from './backend';
import { parameterCount, presetConfig, type ModelConfig, type ModelPreset } from './config';
import { AdamW, policyStep } from './optimizer';
import { Rng } from './rng';
import { maskedMean, scoreTokens, type ScoredTokens } from './scoring';
import { SamplingSession } from './session';
import { Transformer } from './transformer';

export interface ModelBenchmarkOptions {
  preset?: ModelPreset;
  /** Timed train steps after two warm-up steps (at least 5 for the median the issue asks for). */
  trainSteps?: number;
  batch?: number;
  sequenceLength?: number;
  vocabSize?: number;
  sampleRounds?: number;
  progress?: (line: string) => void;
}

export interface ModelBenchmarkResult {
  backend: string;
  model: {
    preset: ModelPreset;
    parameters: number;
    layers: number;
    d_model: number;
    heads: number;
    context: number;
    vocab: number;
  };
  train_step_ms: number;
  train_step_ms_all: number[];
  train_gflops: number;
  sample_tokens_per_s: number;
  peak_gflops_estimate: number;
  cpu: { model: string; cores: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** MatMul FLOPs of one forward over B sequences of T tokens (attention over all T keys, as computed). */
export function forwardFlops(c: ModelConfig, batch: number, length: number): number {
  const tokens = batch * length;
  const projections = 2 * tokens * (c.dModel * 3 * c.dModel + c.dModel * c.dModel + 2 * c.dModel * c.dMlp);
  const attention = 2 * 2 * batch * length * length * c.dModel;
  const head = 2 * tokens * c.dModel * c.vocabSize;
  return c.layers * (projections + attention) + head;
}

function fastPathGflops(): number {
  const n = 512;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - start);
    c.dispose();
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / (median(times) / 1000) / 1e9;
}

export function runModelBenchmark(backend: BackendChoice, options: ModelBenchmarkOptions = {}): ModelBenchmarkResult {
  const preset = options.preset ?? 'small';
  const batch = options.batch ?? 16;
  const config = presetConfig(preset, options.vocabSize ?? 512);
  const length = Math.min(options.sequenceLength ?? 128, config.contextLength);
  const log = options.progress ?? (() => {});
  const rng = new Rng(0);
  const model = Transformer.create(config, 0);
  const optimizer = new AdamW(model.variables(), { learningRate: 1e-6 });
  const sequences = Array.from({ length: batch }, () =>
    Array.from({ length }, () => Math.floor(rng.next() * config.vocabSize)),
  );
  const advantages = Array.from({ length: batch }, () => Array.from({ length: length - 1 }, () => rng.normal()));
  const oldLogp = tf.tidy(() => tf.sub(scoreTokens(model, sequences).logp, 0.05));
  const advantage = tf.tensor2d(advantages);

  // PPO-clip surrogate with an entropy bonus and a k3 KL term: the op mix every policy loss here uses.
  const ppoLoss = ({ logp, entropy, mask }: ScoredTokens) => {
    const logRatio = tf.sub(logp, oldLogp);
    const ratio = tf.exp(logRatio);
    const surrogate = tf.minimum(tf.mul(ratio, advantage), tf.mul(tf.clipByValue(ratio, 0.8, 1.28), advantage));
    const kl = tf.sub(tf.sub(tf.exp(tf.neg(logRatio)), 1), tf.neg(logRatio));
    return maskedMean(tf.add(tf.neg(surrogate), tf.sub(tf.mul(kl, 0.001), tf.mul(entropy, 0.001))), mask);
  };

  const steps = Math.max(5, options.trainSteps ?? 5);
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const start = performance.now();
    policyStep(model, optimizer, sequences, ppoLoss);
    const ms = performance.now() - start;
    if (i >= 2) times.push(ms);
    log(`train step ${i + 1}/${steps + 2}${i < 2 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms`);
  }
  const trainMs = median(times);

  const rounds = options.sampleRounds ?? 5;
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const session = new SamplingSession(model, 16);
    const start = performance.now();
    session.extend(
      Array.from({ length: 16 }, () => Array.from({ length: 8 }, () => Math.floor(rng.next() * config.vocabSize))),
    );
    const generated = session.generate(
      Array.from({ length: 16 }, (_, i) => i),
      { maxTokens: 120, temperature: 1, seed: r },
    );
    const ms = performance.now() - start;
    session.dispose();
    const tokens = generated.reduce((n, g) => n + g.tokens.length, 0);
    rates.push(tokens / (ms / 1000));
    log(`sampling round ${r + 1}/${rounds}: ${tokens} tokens in ${ms.toFixed(0)} ms`);
  }

  const peak = fastPathGflops();
  oldLogp.dispose();
  advantage.dispose();
  model.dispose();
  optimizer.dispose();
  const cpu = cpus();
  return {
    backend: backend.engine,
    model: {
      preset,
      parameters: parameterCount(config),
      layers: config.layers,
      d_model: config.dModel,
      heads: config.heads,
      context: config.contextLength,
      vocab: config.vocabSize,
    },
    train_step_ms: Math.round(trainMs * 10) / 10,
    train_step_ms_all: times.map((t) => Math.round(t)),
    train_gflops: Math.round(((3 * forwardFlops(config, batch, length)) / (trainMs / 1000) / 1e9) * 100) / 100,
    sample_tokens_per_s: Math.round(median(rates)),
    peak_gflops_estimate: Math.round(peak * 10) / 10,
    cpu: { model: cpu[0]?.model ?? 'unknown', cores: cpu.length },
  };
}
