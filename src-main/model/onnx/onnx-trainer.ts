/**
 * Scoring and training on ONNX Runtime (onnxruntime-node's native CPU kernels, every intra-op thread it is given),
 * with the graphs of train-graph.ts. The tfjs variables stay the weights' home (checkpoints, sampling; AdamW writes
 * its updates into them): each call feeds their current values in, so an optimiser update never rebuilds a session.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { ModelConfig } from '../config';
import type { Transformer } from '../transformer';
import { weightInputs } from './forward-graph';
import { gpuAdapter, type GpuAdapter } from './gpu-adapter';
import { runSession } from './runs-in-flight';
import { sessionOptions } from './session-options';
import { encodeModel, ONNX_FLOAT } from './onnx-proto';
import { cacheValues } from './train-cache';
import {
  backwardModelBytes,
  gradientModelBytes,
  gradName,
  scoringModelBytes,
  trainingForwardModelBytes,
} from './train-graph';

type OrtModule = typeof Ort;

/** Per-token log-probs and entropies, [B][W − 1] as scoreTokens gives them (column t predicts token t + 1). */
export interface TokenStats {
  logp: number[][];
  entropy: number[][];
}

/**
 * A train step's forward pass, kept for its backward pass: the activations themselves (`cached`), or, where they
 * would take more than the cache budget, what recomputing them in micro-batches needs (`recompute`).
 */
export type TrainForward = { stats: TokenStats } & (
  | {
      kind: 'cached';
      batch: number;
      width: number;
      /** The backward graph's inputs but the loss's gradients: cached activations, weights, ids, targets. */
      feeds: Record<string, Ort.Tensor>;
    }
  | { kind: 'recompute'; model: Transformer; sequences: number[][]; temperature: number; rowsPerPass: number }
);

/**
 * Cached activations a train step may hand back and forth. The `small` model's RL mini-batches (32 × 190 tokens,
 * about 184 MiB) stay under it; the `base` model's (32 × 512, about 1.9 GiB) go over: copying that much out and in
 * again took 4.8 s a step and peaked at 9.9 GB, where micro-batches that compute the forward twice take 2.6 s and
 * 2.6 GB (docs/engine.md).
 */
const CACHE_BUDGET_BYTES = 256 * 2 ** 20;

export interface TrainerOptions {
  /** Tests: a smaller budget, to take the recomputing path on a small batch. */
  cacheBudgetBytes?: number;
  /** Only this execution provider (`AEPO_LAB_BACKEND=webgpu`, tests): an error if it can't start. */
  provider?: string;
}

export class OnnxTrainer {
  private constructor(
    private readonly ort: OrtModule,
    readonly config: ModelConfig,
    private readonly scoring: Ort.InferenceSession,
    private readonly forwardSession: Ort.InferenceSession,
    private readonly backwardSession: Ort.InferenceSession,
    private readonly gradientSession: Ort.InferenceSession,
    /** The execution provider the sessions run on (`cpu`, `cuda`, ...). */
    readonly provider: string,
    /** Providers tried first and why they did not start. */
    readonly skipped: { name: string; reason: string }[],
    private readonly cacheBudget: number,
  ) {}

  /**
   * Builds the graphs for this model shape on the first execution provider that starts here: a GPU one where its
   * libraries are installed (CUDA; DirectML on Windows, CoreML on macOS), then WebGPU where a real GPU adapter exists
   * (gpu-adapter.ts), else the CPU with `threads` intra-op threads.
   */
  static async create(config: ModelConfig, threads: number, options: TrainerOptions = {}): Promise<OnnxTrainer> {
    const ort = (await import('onnxruntime-node')) as OrtModule;
    const available = new Set(ort.listSupportedBackends().map((backend) => backend.name));
    const skipped: { name: string; reason: string }[] = [];
    const budget = options.cacheBudgetBytes ?? CACHE_BUDGET_BYTES;
    const order = options.provider ? [options.provider] : providerOrder(process.platform, gpuAdapter());
    for (const provider of order.filter((name) => name === 'cpu' || available.has(name))) {
      // Trying a provider whose libraries are absent makes the runtime print errors of its own: look first.
      const missing = missingLibrary(provider);
      if (missing) {
        skipped.push({ name: provider, reason: missing });
        continue;
      }
      const settings = sessionOptions(threads, { provider });
      try {
        const [scoring, forward, backward, gradients] = await Promise.all(
          [scoringModelBytes, trainingForwardModelBytes, backwardModelBytes, gradientModelBytes].map((bytes) =>
            ort.InferenceSession.create(bytes(config, { logSoftmaxByParts: provider === 'webgpu' }), settings),
          ),
        );
        return new OnnxTrainer(ort, config, scoring!, forward!, backward!, gradients!, provider, skipped, budget);
      } catch (error) {
        skipped.push({
          name: provider,
          reason: String((error as Error).message)
            .split('\n')[0]!
            .slice(0, 300),
        });
        if (provider === 'cpu' || options.provider) throw error;
      }
    }
    throw new Error(
      options.provider
        ? `ONNX Runtime's ${options.provider} execution provider is not in this build of onnxruntime-node`
        : 'no ONNX Runtime execution provider started',
    );
  }

  async score(model: Transformer, sequences: number[][], temperature: number): Promise<TokenStats> {
    const { feeds, width } = this.feeds(model, sequences, temperature);
    const out = await runSession(this.scoring, feeds);
    return {
      logp: rows(out.logp!.data as Float32Array, sequences.length, width),
      entropy: rows(out.entropy!.data as Float32Array, sequences.length, width),
    };
  }

  /**
   * The forward pass of a train step: the per-token log-probs and entropies the loss needs, and what `backward`
   * reads (the cached activations and the feeds), so the forward runs once per update.
   */
  async forward(model: Transformer, sequences: number[][], temperature: number): Promise<TrainForward> {
    const perRow = this.cacheBytesPerRow(Math.max(...sequences.map((s) => s.length)));
    if (perRow * sequences.length > this.cacheBudget)
      return {
        kind: 'recompute',
        stats: await this.score(model, sequences, temperature),
        model,
        sequences,
        temperature,
        rowsPerPass: Math.max(1, Math.floor(this.cacheBudget / perRow)),
      };
    const { feeds, width } = this.feeds(model, sequences, temperature);
    const out = await runSession(this.forwardSession, feeds);
    const backwardFeeds: Record<string, Ort.Tensor> = {};
    for (const name of this.backwardSession.inputNames) {
      const value = out[name] ?? feeds[name];
      if (value) backwardFeeds[name] = value;
    }
    return {
      kind: 'cached',
      stats: {
        logp: rows(out.logp!.data as Float32Array, sequences.length, width),
        entropy: rows(out.entropy!.data as Float32Array, sequences.length, width),
      },
      batch: sequences.length,
      width,
      feeds: backwardFeeds,
    };
  }

  /**
   * Every weight's gradient (in Transformer.variables() order) of a loss whose gradients with respect to the
   * per-token log-probs and entropies of `forward` are `dlogp` and `dentropy` ([B][W − 1]; 0 where the loss does
   * not look). The model's weights must be the ones `forward` saw.
   */
  async backward(
    forward: TrainForward,
    dlogp: ArrayLike<number>[],
    dentropy: ArrayLike<number>[],
  ): Promise<Float32Array[]> {
    const gradientsOf = (out: Ort.InferenceSession.ReturnType) =>
      weightInputs(this.config).map((input) => out[gradName(input.name)]!.data as Float32Array);
    if (forward.kind === 'cached') {
      const { batch, width } = forward;
      const out = await runSession(this.backwardSession, {
        ...forward.feeds,
        dlogp: this.padded(dlogp, batch, width),
        dentropy: this.padded(dentropy, batch, width),
      });
      return gradientsOf(out);
    }
    // Micro-batches of rows, forward and backward in one graph each; the gradients are sums over rows.
    const { model, sequences, temperature, rowsPerPass } = forward;
    const totals = weightInputs(this.config).map((input) => new Float32Array(input.shape.reduce((a, b) => a * b, 1)));
    for (let start = 0; start < sequences.length; start += rowsPerPass) {
      const end = Math.min(sequences.length, start + rowsPerPass);
      const { feeds, width } = this.feeds(model, sequences.slice(start, end), temperature);
      feeds.dlogp = this.padded(dlogp.slice(start, end), end - start, width);
      feeds.dentropy = this.padded(dentropy.slice(start, end), end - start, width);
      gradientsOf(await runSession(this.gradientSession, feeds)).forEach((part, i) => {
        const total = totals[i]!;
        for (let j = 0; j < total.length; j++) total[j] = total[j]! + part[j]!;
      });
    }
    return totals;
  }

  async release(): Promise<void> {
    await Promise.all(
      [this.scoring, this.forwardSession, this.backwardSession, this.gradientSession].map((s) => s.release()),
    );
  }

  /** What one row of `width` tokens adds to the cached activations, in bytes. */
  private cacheBytesPerRow(width: number): number {
    return cacheValues(this.config).reduce(
      (bytes, slot) =>
        bytes + 4 * slot.shape.reduce<number>((n, dim) => n * (dim === 'B' ? 1 : dim === 'L' ? width : Number(dim)), 1),
      0,
    );
  }

  /** Per-token values [B][W − 1] as a right-padded [B, W] tensor. */
  private padded(values: ArrayLike<number>[], batch: number, width: number): Ort.Tensor {
    const out = new Float32Array(batch * width);
    values.forEach((row, b) => out.set(Array.from(row).slice(0, width - 1), b * width));
    return new this.ort.Tensor('float32', out, [batch, width]);
  }

  /** Right-padded ids, positions, next-token targets, the causal padding mask, the temperature and the weights. */
  private feeds(model: Transformer, sequences: number[][], temperature: number) {
    const { Tensor } = this.ort;
    const batch = sequences.length;
    const width = Math.max(...sequences.map((s) => s.length));
    if (width < 2) throw new Error('scoring needs sequences of at least 2 tokens');
    if (width > this.config.contextLength)
      throw new Error(`a sequence of ${width} tokens is longer than the context of ${this.config.contextLength}`);
    const ids = new BigInt64Array(batch * width);
    const targets = new BigInt64Array(batch * width);
    const positions = new BigInt64Array(batch * width);
    const mask = new Float32Array(batch * width * width).fill(-1e9);
    sequences.forEach((sequence, b) => {
      for (let t = 0; t < width; t++) {
        ids[b * width + t] = BigInt(sequence[t] ?? 0);
        targets[b * width + t] = BigInt(sequence[t + 1] ?? 0);
        positions[b * width + t] = BigInt(t);
        for (let j = 0; j <= t && j < sequence.length; j++) mask[(b * width + t) * width + j] = 0;
      }
    });
    const feeds: Record<string, Ort.Tensor> = {
      ids: new Tensor('int64', ids, [batch, width]),
      positions: new Tensor('int64', positions, [batch, width]),
      targets: new Tensor('int64', targets, [batch, width]),
      mask: new Tensor('float32', mask, [batch, 1, width, width]),
      inv_temperature: new Tensor('float32', Float32Array.from([1 / temperature]), []),
    };
    const variables = model.variables();
    weightInputs(this.config).forEach((input, i) => {
      feeds[input.name] = new Tensor('float32', variables[i]!.dataSync() as Float32Array, input.shape);
    });
    return { feeds, width };
  }
}

const GPU_LIBRARIES: Record<string, string> = {
  cuda: 'onnxruntime_providers_cuda',
  dml: 'DirectML',
};

/** Why a GPU provider can't start here, or null when its library is in onnxruntime-node's folder (or built in). */
function missingLibrary(provider: string): string | null {
  const library = GPU_LIBRARIES[provider];
  if (!library) return null;
  const folder = join(
    dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')),
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  const file = process.platform === 'win32' ? `${library}.dll` : `lib${library}.so`;
  return existsSync(join(folder, file))
    ? null
    : `not installed (${file} comes from onnxruntime-node's install script, which needs nuget.org: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js)`;
}

/**
 * GPU providers first where the platform has them, then WebGPU on a real GPU adapter (Dawn: Vulkan, Direct3D 12 or
 * Metal; never on a software one, which is slower than the CPU provider), then the CPU.
 */
export function providerOrder(platform: NodeJS.Platform, adapter: GpuAdapter | null): string[] {
  const webgpu = adapter && !adapter.software ? ['webgpu'] : [];
  if (platform === 'win32') return ['cuda', 'dml', ...webgpu, 'cpu'];
  if (platform === 'darwin') return ['coreml', ...webgpu, 'cpu'];
  return ['cuda', ...webgpu, 'cpu'];
}

/** [B·W] → [B][W − 1]: the columns that predict a next token. */
function rows(data: Float32Array, batch: number, width: number): number[][] {
  return Array.from({ length: batch }, (_, b) => Array.from(data.subarray(b * width, b * width + width - 1)));
}

/** ONNX Runtime's rate on a 512² matMul with `threads` threads, in GFLOP/s: the machine's practical peak. */
export async function onnxMatMulGflops(threads: number): Promise<number> {
  const ort = (await import('onnxruntime-node')) as OrtModule;
  const n = 512;
  const square = { type: ONNX_FLOAT, shape: [n, n] };
  const bytes = encodeModel({
    name: 'matmul_peak',
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
    constants: [],
    inputs: [
      { name: 'a', ...square },
      { name: 'b', ...square },
    ],
    outputs: [{ name: 'c', ...square }],
  });
  const session = await ort.InferenceSession.create(bytes, sessionOptions(threads));
  const values = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
  const feeds = { a: new ort.Tensor('float32', values, [n, n]), b: new ort.Tensor('float32', values, [n, n]) };
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    await runSession(session, feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  const typical = times.slice(2).sort((a, b) => a - b)[2]!; // the median of the last five
  return (2 * n ** 3) / (typical / 1000) / 1e9;
}
