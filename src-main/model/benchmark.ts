/**
 * The policy's speed on this machine, both engines (tfjs, ONNX Runtime) in one run on the `small` model: a PPO-style
 * train step (batch 16 × 128 tokens), KV-cache sampling at batch 16 and 128, one RL step of the workload,
 * and the matMul rate each reaches as a practical peak. Wall-clock medians after warm-up; FLOPs count matMuls only
 * (train = 3 × forward).
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from './backend';
import { parameterCount, modelConfig, type ModelConfig, type ModelSize } from './config';
import { onnxEngine, requestedEngine, tfjsEngine, type EngineName, type TrainingEngine } from './engine';
import { Decoder } from './decoder';
import { gpuAdapter } from './onnx/gpu-adapter';
import { OnnxDecoder } from './onnx/onnx-decoder';
import { DecodeSessions } from './onnx/decode-sessions';
import { AdamW } from './optimizer';
import { steadyRlStepMs } from './rl-step-rate';
import { samplingRate, type StepDecoder } from './sampling-rate';
import { Rng } from './rng';
import { maskedMean, scoreTokens, type ScoredTokens } from './scoring';
import { Transformer } from './transformer';

export interface ModelBenchmarkOptions {
  size?: ModelSize;
  /** Timed train steps after four warm-up steps (at least 5 for the median the issue asks for). */
  trainSteps?: number;
  batch?: number;
  sequenceLength?: number;
  vocabSize?: number;
  progress?: (line: string) => void;
}

export interface ModelBenchmarkResult {
  backend: string;
  model: {
    size: ModelSize;
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
  /** tfjs's KV-cache sampling at batch 16 (the same as engines.tfjs.sample_tokens_per_s_b16). */
  sample_tokens_per_s: number;
  /** tfjs's 512² matMul rate (its fast path). */
  peak_gflops_estimate: number;
  /** The best 512² matMul rate here, either engine: what `train_share_of_peak` divides by. */
  machine_peak_gflops: number;
  cpu: { model: string; cores: number };
  /**
   * Both engines timed in the same run, so their ratio survives a noisy machine; null: not measured (yet). `onnx` is
   * ONNX Runtime's CPU provider; `webgpu` its WebGPU provider, where a real GPU adapter exists or
   * AEPO_LAB_BACKEND=webgpu forces it (its `device` names the adapter).
   */
  engines: Record<EngineName, EngineFigures> & { webgpu?: EngineFigures };
}

export interface EngineFigures {
  /** Where it ran: `tfjs`, `onnxruntime cpu`, `onnxruntime cuda`; null when it could not start. */
  device: string | null;
  train_step_ms: number | null;
  train_gflops: number | null;
  /** Share of the measured matMul peak the train step reaches. */
  train_share_of_peak: number | null;
  sample_tokens_per_s_b16: number | null;
  sample_tokens_per_s_b128: number | null;
  rl_step_ms: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
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

export async function runModelBenchmark(
  backend: BackendChoice,
  options: ModelBenchmarkOptions & { threads?: number } = {},
): Promise<ModelBenchmarkResult> {
  const size = options.size ?? 'small';
  const batch = options.batch ?? 16;
  const config = modelConfig(size, options.vocabSize ?? 512);
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
  const timeTrainSteps = async (engine: TrainingEngine): Promise<number[]> => {
    const times: number[] = [];
    // The first steps run slower (buffers of a new shape, the JIT): 4 are not counted.
    const warmUp = 4;
    for (let i = 0; i < steps + warmUp; i++) {
      const start = performance.now();
      await engine.policyStep(model, optimizer, sequences, ppoLoss);
      const ms = performance.now() - start;
      if (i >= warmUp) times.push(ms);
      log(`${engine.name} train step ${i + 1}/${steps + warmUp}${i < warmUp ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms`);
    }
    return times;
  };
  const times = await timeTrainSteps(tfjsEngine);
  const trainMs = median(times);
  const tfjsRlMs = await steadyRlStepMs(tfjsEngine, model, optimizer);
  log(`tfjs RL step: ${tfjsRlMs.toFixed(0)} ms`);
  const threads = options.threads ?? cpus().length;
  /** One ONNX Runtime provider's train step and RL step (null where it can't start). */
  const onnxTraining = async (provider: string) => {
    try {
      const onnx = await onnxEngine(config, threads, provider);
      const ms = median(await timeTrainSteps(onnx));
      const rlMs = await steadyRlStepMs(onnx, model, optimizer);
      log(`onnx ${provider} RL step: ${rlMs.toFixed(0)} ms`);
      return { device: onnx.device, ms, rlMs };
    } catch (error) {
      log(`onnx ${provider} unavailable: ${(error as Error).message.split('\n')[0]}`);
      return { device: null, ms: null, rlMs: null };
    }
  };
  const cpuTraining = await onnxTraining('cpu');
  const adapter = gpuAdapter();
  const forced = requestedEngine() === 'webgpu';
  const gpuTraining = adapter && (forced || !adapter.software) ? await onnxTraining('webgpu') : null;

  // Both decoders in the same loop: batch 16 (8-token prompts, 120 new) and batch 128 (40 + 150, an RL step's shape).
  // (Shortened to fit a small context: the `tiny` model holds 64 tokens.)
  const shape = (batch: number, prompt: number, newTokens: number) => {
    const fitted = Math.min(prompt, Math.floor(config.contextLength / 4));
    return {
      batch,
      prompt: fitted,
      newTokens: Math.min(newTokens, config.contextLength - fitted),
      vocab: config.vocabSize,
    };
  };
  const [b16, b128] = [shape(16, 8, 120), shape(128, 40, 150)];
  const rate = async (make: (batch: number) => Promise<StepDecoder & { dispose(): unknown }>, shape: typeof b16) => {
    const rates: number[] = [];
    // The first rounds warm up (the JIT; they run up to 2× slower than a run's steady state) and are not counted.
    const warmUp = shape.batch > 16 ? 1 : 3;
    for (let r = 0; r < warmUp + (shape.batch > 16 ? 1 : 7); r++) {
      const decoder = await make(shape.batch);
      const rate = await samplingRate(decoder, { ...shape, seed: r });
      if (r >= warmUp) rates.push(rate);
      await decoder.dispose();
    }
    log(
      `sampling at batch ${shape.batch}: ${Math.round(median(rates))} tokens/s (${rates.map(Math.round).join(', ')})`,
    );
    return Math.round(median(rates));
  };
  const tfjsDecoder = async (batch: number) => new Decoder(model, batch);
  const tfjsSampling = [await rate(tfjsDecoder, b16), await rate(tfjsDecoder, b128)];
  // One set of decode sessions for every round, as a run shares its engine's.
  const onnxSampling = async (provider: string, started: boolean) => {
    if (!started) return [null, null];
    const sessions = await DecodeSessions.open(config, threads, provider);
    const decoder = async (batch: number) => OnnxDecoder.on(sessions, model, batch);
    const rates = [await rate(decoder, b16), await rate(decoder, b128)];
    await sessions.release();
    return rates;
  };
  const cpuSampling = await onnxSampling('cpu', cpuTraining.ms !== null);
  const gpuSampling = gpuTraining ? await onnxSampling('webgpu', gpuTraining.ms !== null) : null;

  // The machine's peak: the faster of tfjs's matMul fast path and ONNX Runtime's, with the threads a run gets.
  const tfjsPeak = fastPathGflops();
  const onnxPeak =
    cpuTraining.ms === null ? 0 : await import('./onnx/onnx-trainer').then((m) => m.onnxMatMulGflops(threads));
  const peak = Math.max(tfjsPeak, onnxPeak);
  const trainFlops = 3 * forwardFlops(config, batch, length);
  const figures = (
    device: string | null,
    ms: number | null,
    sampling: (number | null)[],
    rlMs: number | null,
  ): EngineFigures => {
    const gflops = ms === null ? null : round2(trainFlops / (ms / 1000) / 1e9);
    return {
      device,
      train_step_ms: ms === null ? null : Math.round(ms * 10) / 10,
      train_gflops: gflops,
      train_share_of_peak: gflops === null ? null : round2(gflops / peak),
      sample_tokens_per_s_b16: sampling[0] ?? null,
      sample_tokens_per_s_b128: sampling[1] ?? null,
      rl_step_ms: rlMs === null ? null : Math.round(rlMs),
    };
  };
  oldLogp.dispose();
  advantage.dispose();
  model.dispose();
  optimizer.dispose();
  const cpu = cpus();
  return {
    backend: backend.engine,
    model: {
      size,
      parameters: parameterCount(config),
      layers: config.layers,
      d_model: config.dModel,
      heads: config.heads,
      context: config.contextLength,
      vocab: config.vocabSize,
    },
    train_step_ms: Math.round(trainMs * 10) / 10,
    train_step_ms_all: times.map((t) => Math.round(t)),
    train_gflops: round2(trainFlops / (trainMs / 1000) / 1e9),
    sample_tokens_per_s: tfjsSampling[0]!,
    peak_gflops_estimate: Math.round(tfjsPeak * 10) / 10,
    machine_peak_gflops: Math.round(peak * 10) / 10,
    cpu: { model: cpu[0]?.model ?? 'unknown', cores: cpu.length },
    engines: {
      tfjs: figures(`tfjs ${backend.engine}`, trainMs, tfjsSampling, tfjsRlMs),
      onnx: figures(cpuTraining.device, cpuTraining.ms, cpuSampling, cpuTraining.rlMs),
      ...(gpuTraining && gpuSampling
        ? { webgpu: figures(gpuTraining.device, gpuTraining.ms, gpuSampling, gpuTraining.rlMs) }
        : {}),
    },
  };
}
