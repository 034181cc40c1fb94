/**
 * The compute engine behind scoring and policy updates. `tfjs` is the reference (tf.variableGrads through the raw-op
 * transformer); `onnx` runs the forward and backward passes as ONNX graphs on ONNX Runtime's native kernels with
 * every thread it is given, and only the (cheap) policy loss itself in tfjs. Both give the same log-probs,
 * entropies and gradients (test/unit/model/onnx-engine.test.ts), and both update the same tfjs variables with the
 * same AdamW, so checkpoints, sampling and the RL code don't depend on the engine.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config';
import type { GpuAdapter } from './onnx/gpu-adapter';
import { type OnnxTrainer } from './onnx/onnx-trainer';
import { policyStep, type AdamW, type StepResult } from './optimizer';
import { scoreTokens, type ScoredTokens, type ScoreOptions } from './scoring';
import { SamplingSession } from './session';
import type { Transformer } from './transformer';

export type EngineName = 'tfjs' | 'onnx';

export interface TrainingEngine {
  readonly name: EngineName;
  /** Where it computes, for a person: `tfjs`, `onnxruntime cpu`, `onnxruntime cuda`. */
  readonly device: string;
  /** Execution providers tried before the one it runs on, and why they did not start. */
  readonly skipped: { name: string; reason: string }[];
  /** Per-token log-probs and entropies, [B][W − 1] (scoreTokens' columns), with no gradient. */
  score(
    model: Transformer,
    sequences: number[][],
    options?: ScoreOptions,
  ): Promise<{ logp: number[][]; entropy: number[][] }>;
  /** A KV-cache sampling session of `sequences` rows on the model's current weights. */
  openSession(model: Transformer, sequences: number): SamplingSession;
  /** One optimiser step on `loss` of the scored sequences (model/optimizer.ts policyStep). */
  policyStep(
    model: Transformer,
    optimizer: AdamW,
    sequences: number[][],
    loss: (scored: ScoredTokens) => tf.Scalar,
    options?: ScoreOptions,
  ): Promise<StepResult>;
}

export const tfjsEngine: TrainingEngine = {
  name: 'tfjs',
  device: 'tfjs',
  skipped: [],
  openSession: (model, sequences) => new SamplingSession(model, sequences),
  score: async (model, sequences, options) =>
    tf.tidy(() => {
      const scored = scoreTokens(model, sequences, options);
      return { logp: scored.logp.arraySync(), entropy: scored.entropy.arraySync() };
    }),
  policyStep: async (model, optimizer, sequences, loss, options) =>
    policyStep(model, optimizer, sequences, loss, options),
};

/**
 * The ONNX engine for one model shape; its sessions are built once (`threads` intra-op threads each). `provider`
 * forces one execution provider (`webgpu`); unset, the trainer picks (onnx-trainer.ts).
 */
export async function onnxEngine(config: ModelConfig, threads: number, provider?: string): Promise<TrainingEngine> {
  const { OnnxTrainer } = await import('./onnx/onnx-trainer');
  const trainer: OnnxTrainer = await OnnxTrainer.create(config, threads, { provider });
  const { OnnxDecoder } = await import('./onnx/onnx-decoder');
  const { DecodeSessions } = await import('./onnx/decode-sessions');
  const decodeSessions = await DecodeSessions.open(config, threads, trainer.provider);
  const { gpuAdapter, adapterLabel } = await import('./onnx/gpu-adapter');
  const adapter = trainer.provider === 'webgpu' ? gpuAdapter() : null;
  return {
    name: 'onnx',
    device: `onnxruntime ${trainer.provider}${adapter ? ` (${adapterLabel(adapter)})` : ''}`,
    skipped: trainer.skipped,
    openSession: (model, sequences) =>
      new SamplingSession(model, sequences, OnnxDecoder.on(decodeSessions, model, sequences)),
    score: (model, sequences, options) => trainer.score(model, sequences, options?.temperature ?? 1),
    async policyStep(model, optimizer, sequences, loss, options) {
      const temperature = options?.temperature ?? 1;
      const forward = await trainer.forward(model, sequences, temperature);
      const stats = forward.stats;
      const width = stats.logp[0]!.length;
      // The loss and its gradients with respect to the per-token statistics, in tfjs (B × W numbers)...
      const [value, dlogp, dentropy] = tf.tidy(() => {
        const logp = tf.tensor2d(stats.logp, [sequences.length, width]);
        const entropy = tf.tensor2d(stats.entropy, [sequences.length, width]);
        const mask = tf.tensor2d(
          sequences.map((s) => Array.from({ length: width }, (_, t) => (t + 1 < s.length ? 1 : 0))),
        );
        // (+ 0·ΣH: a loss that ignores the entropies still gets a gradient for them, zero, instead of an error.)
        const { value: v, grads } = tf.valueAndGrads((l: tf.Tensor, e: tf.Tensor) =>
          tf.add(loss({ logp: l as tf.Tensor2D, entropy: e as tf.Tensor2D, mask }), tf.mul(tf.sum(e), 0)),
        )([logp, entropy]);
        return [v.dataSync()[0]!, grads[0]!.arraySync() as number[][], grads[1]!.arraySync() as number[][]];
      }) as unknown as [number, number[][], number[][]];
      // ...then through the whole model on ONNX Runtime, and the same AdamW step as the tfjs engine.
      const gradients = await trainer.backward(forward, dlogp, dentropy);
      return { loss: value, gradNorm: optimizer.apply(gradients) };
    },
  };
}

/**
 * What AEPO_LAB_BACKEND asks of the training engine: `webgpu` (ONNX Runtime on its WebGPU provider, whatever the
 * adapter), `onnx` (ONNX Runtime, its provider chosen), `tfjs` (a list naming neither), or nothing (unset).
 */
export function requestedEngine(backend = process.env.AEPO_LAB_BACKEND): 'webgpu' | 'onnx' | 'tfjs' | undefined {
  const named = backend?.split(',').map((s) => s.trim());
  if (!named) return undefined;
  return named.includes('webgpu') ? 'webgpu' : named.includes('onnx') ? 'onnx' : 'tfjs';
}

/**
 * Whether runs here will train on WebGPU (selectTrainingEngine's choice, without starting anything): forced by
 * AEPO_LAB_BACKEND, or a real GPU adapter where ONNX Runtime is not ruled out.
 */
export function trainsOnWebGpu(adapter: GpuAdapter | null, backend = process.env.AEPO_LAB_BACKEND): boolean {
  const requested = requestedEngine(backend);
  if (requested === 'webgpu') return true;
  return requested !== 'tfjs' && adapter !== null && !adapter.software;
}

/**
 * The engine a run trains with: ONNX Runtime where it loads, else the tfjs reference. `AEPO_LAB_BACKEND` decides
 * when set: a list naming `webgpu` requires ONNX Runtime on its WebGPU provider (any adapter, a software one too: how
 * tests and CI run that path), one naming `onnx` requires ONNX Runtime (an error says why it can't start), one
 * naming neither means tfjs.
 */
export async function selectTrainingEngine(
  config: ModelConfig,
  threads: number,
  log: (line: string) => void = () => {},
): Promise<TrainingEngine> {
  const requested = requestedEngine();
  if (requested === 'tfjs') return tfjsEngine;
  try {
    return await onnxEngine(config, threads, requested === 'webgpu' ? 'webgpu' : undefined);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    if (requested) throw new Error(`AEPO_LAB_BACKEND asks for ${requested}, which can't start here: ${reason}`);
    log(`engine onnx unavailable (${reason}); training on tfjs`);
    return tfjsEngine;
  }
}
