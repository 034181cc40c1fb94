/**
 * Inference-only forward pass for sampling, with a per-sequence KV cache.
 *
 * Why a second path next to Transformer.forward: decoding moves one token per sequence, so each tensor op works on
 * a few thousand values and the cost is per-op overhead, cache concatenation and wasm's slow batched matMul. Here the
 * weight matMuls (with the MLP's GELU) and the output head stay on the tensor backend (XNNPACK), and everything
 * small (LayerNorm, residuals) is plain JS over typed arrays; attention over the cache runs in a small WebAssembly
 * SIMD kernel whose memory holds the cache, so keys and values are written in place. Every sequence has its own
 * cache, so ragged batches need no padding. The tests hold this path to Transformer.forward (same tokens under
 * greedy decoding, log-probs within 1e-4).
 */
import * as tf from '@tensorflow/tfjs';
import { headDim, type ModelConfig } from './config';
import { AttentionKernel } from './kernels/attention-kernel';
import type { Transformer } from './transformer';

/** A layer's matrices (and the MLP's biases) as tensors copied at the start of the session. */
interface LayerMatrices {
  qkv: tf.Tensor2D;
  out: tf.Tensor2D;
  fc: tf.Tensor2D;
  proj: tf.Tensor2D;
  fcBias: tf.Tensor1D;
  projBias: tf.Tensor1D;
}

interface LayerArrays {
  ln1Gain: Float32Array;
  ln1Bias: Float32Array;
  qkvBias: Float32Array;
  outBias: Float32Array;
  ln2Gain: Float32Array;
  ln2Bias: Float32Array;
}

const read = (v: tf.Variable) => v.dataSync() as Float32Array;
const GELU_C = 2 * Math.sqrt(2 / Math.PI);

/** One new token: which sequence it extends, the token id, and its position in that sequence. */
export interface DecodeRow {
  sequence: number;
  token: number;
  position: number;
}

export class Decoder {
  private readonly config: ModelConfig;
  private readonly layers: LayerArrays[];
  private readonly tokenEmbedding: Float32Array;
  private readonly positionEmbedding: Float32Array;
  private readonly finalGain: Float32Array;
  private readonly finalBias: Float32Array;
  /** Eᵀ [d, V] for the tied head, made once so each step's head is a plain matMul. */
  private readonly headWeights: tf.Tensor2D;
  private readonly matrices: LayerMatrices[];
  private readonly kernel: AttentionKernel;
  /**
   * keys[layer][sequence] and values[layer][sequence]: where that cache starts in the kernel's memory (float index);
   * each is [contextLength, d], row p for position p.
   */
  private readonly keys: number[][];
  private readonly values: number[][];
  /** Scratch in kernel memory: one query row, one row of attention weights, one head's output. */
  private readonly query: number;
  private readonly scores: number;
  private readonly headOut: number;

  constructor(model: Transformer, batch: number) {
    const { config, weights } = model;
    this.config = config;
    // Copies, like the arrays below: a session samples from the weights it started with, whatever the learner does.
    const copy = <T extends tf.Tensor>(v: tf.Variable) => tf.clone(v) as unknown as T;
    this.matrices = weights.layers.map((l) => ({
      qkv: copy(l.qkv),
      out: copy(l.out),
      fc: copy(l.fc),
      proj: copy(l.proj),
      fcBias: copy(l.fcBias),
      projBias: copy(l.projBias),
    }));
    this.layers = weights.layers.map((l) => ({
      ln1Gain: read(l.ln1Gain),
      ln1Bias: read(l.ln1Bias),
      qkvBias: read(l.qkvBias),
      outBias: read(l.outBias),
      ln2Gain: read(l.ln2Gain),
      ln2Bias: read(l.ln2Bias),
    }));
    this.tokenEmbedding = read(weights.tokenEmbedding);
    this.positionEmbedding = read(weights.positionEmbedding);
    this.finalGain = read(weights.finalGain);
    this.finalBias = read(weights.finalBias);
    this.headWeights = tf.transpose(weights.tokenEmbedding) as tf.Tensor2D;
    const slots = config.contextLength * config.dModel;
    this.kernel = new AttentionKernel(2 * config.layers * batch * slots + config.dModel + config.contextLength + 64);
    const caches = () => weights.layers.map(() => Array.from({ length: batch }, () => this.kernel.alloc(slots)));
    this.keys = caches();
    this.values = caches();
    this.query = this.kernel.alloc(config.dModel);
    this.scores = this.kernel.alloc(config.contextLength);
    this.headOut = this.kernel.alloc(headDim(config));
  }

  /**
   * Runs the rows through the model (rows of one sequence in position order), storing their keys and values, and
   * returns the logits [V] after the rows listed in `logitsFor` (indices into rows).
   */
  step(rows: readonly DecodeRow[], logitsFor: readonly number[]): Float32Array[] {
    const { dModel: d, contextLength } = this.config;
    const n = rows.length;
    const x = new Float32Array(n * d);
    rows.forEach((row, r) => {
      if (row.position >= contextLength)
        throw new Error(`position ${row.position} is past the context of ${contextLength} tokens`);
      const tok = row.token * d;
      const pos = row.position * d;
      for (let j = 0; j < d; j++) x[r * d + j] = this.tokenEmbedding[tok + j]! + this.positionEmbedding[pos + j]!;
    });
    this.layers.forEach((layer, l) => {
      const w = this.matrices[l]!;
      const qkv = project(
        layerNorm(x, n, d, layer.ln1Gain, layer.ln1Bias, this.config.layerNormEps),
        n,
        w.qkv,
        layer.qkvBias,
      );
      const attended = this.attend(l, rows, qkv);
      addInto(x, project(attended, n, w.out, layer.outBias));
      const normed = layerNorm(x, n, d, layer.ln2Gain, layer.ln2Bias, this.config.layerNormEps);
      addInto(x, mlp(normed, n, w));
    });
    if (logitsFor.length === 0) return [];
    const picked = new Float32Array(logitsFor.length * d);
    logitsFor.forEach((r, i) => picked.set(x.subarray(r * d, (r + 1) * d), i * d));
    const normed = layerNorm(picked, logitsFor.length, d, this.finalGain, this.finalBias, this.config.layerNormEps);
    const logits = readAndDispose(
      tf.tidy(() => tf.matMul(tf.tensor2d(normed, [logitsFor.length, d]), this.headWeights)),
    );
    const vocab = this.config.vocabSize;
    return logitsFor.map((_, i) => logits.slice(i * vocab, (i + 1) * vocab));
  }

  /** Writes each row's key and value, then attends each row to its own sequence's positions up to its own. */
  private attend(layer: number, rows: readonly DecodeRow[], qkv: Float32Array): Float32Array {
    const { dModel: d, heads } = this.config;
    const dh = headDim(this.config);
    const scale = 1 / Math.sqrt(dh);
    const { f32, exports } = this.kernel;
    const out = new Float32Array(rows.length * d);
    rows.forEach((row, r) => {
      f32.set(qkv.subarray(r * 3 * d + d, r * 3 * d + 2 * d), this.keys[layer]![row.sequence]! + row.position * d);
      f32.set(
        qkv.subarray(r * 3 * d + 2 * d, r * 3 * d + 3 * d),
        this.values[layer]![row.sequence]! + row.position * d,
      );
    });
    rows.forEach((row, r) => {
      f32.set(qkv.subarray(r * 3 * d, r * 3 * d + d), this.query);
      for (let h = 0; h < heads; h++) {
        const keys = this.keys[layer]![row.sequence]! + h * dh;
        const values = this.values[layer]![row.sequence]! + h * dh;
        const max = exports.scores(
          (this.query + h * dh) * 4,
          keys * 4,
          row.position,
          d * 4,
          dh,
          scale,
          this.scores * 4,
        );
        // Softmax in JS: wasm has no exp instruction.
        let sum = 0;
        for (let p = this.scores; p <= this.scores + row.position; p++) {
          const e = Math.exp(f32[p]! - max);
          f32[p] = e;
          sum += e;
        }
        for (let p = this.scores; p <= this.scores + row.position; p++) f32[p]! /= sum;
        exports.weighted(this.scores * 4, values * 4, row.position, d * 4, dh, this.headOut * 4);
        out.set(f32.subarray(this.headOut, this.headOut + dh), r * d + h * dh);
      }
    });
    return out;
  }

  /** Copies the first `length` cached positions of sequence `source` into sequence `target` (a branch point). */
  copyCache(source: number, target: number, length: number): void {
    const d = this.config.dModel;
    const { f32 } = this.kernel;
    for (const caches of [this.keys, this.values]) {
      for (const layer of caches) f32.copyWithin(layer[target]!, layer[source]!, layer[source]! + length * d);
    }
  }

  dispose(): void {
    this.headWeights.dispose();
    for (const m of this.matrices) for (const t of Object.values(m)) t.dispose();
  }
}

/** The values of a tensor, which is then freed. (Reading inside tf.tidy would make tidy walk every number.) */
function readAndDispose(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/**
 * The MLP in one trip to the tensor backend: GELU over n × dMlp values is cheaper there (one sigmoid kernel) than
 * as Math.exp calls in JS, and the hidden layer never has to be read back.
 */
function mlp(input: Float32Array, n: number, w: LayerMatrices): Float32Array {
  return readAndDispose(
    tf.tidy(() => {
      const pre = tf.add(tf.matMul(tf.tensor2d(input, [n, w.fc.shape[0]]), w.fc), w.fcBias);
      const inner = tf.mul(tf.add(pre, tf.mul(0.044715, tf.mul(tf.mul(pre, pre), pre))), GELU_C);
      return tf.add(tf.matMul(tf.mul(pre, tf.sigmoid(inner)) as tf.Tensor2D, w.proj), w.projBias);
    }),
  );
}

/** input [n, k] · w [k, m] + bias, on the tensor backend's fast 2-D matMul. */
function project(input: Float32Array, n: number, w: tf.Tensor2D, bias: Float32Array): Float32Array {
  const [k, m] = w.shape;
  const out = readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(input, [n, k]), w)));
  for (let r = 0; r < n; r++) {
    const base = r * m;
    for (let j = 0; j < m; j++) out[base + j]! += bias[j]!;
  }
  return out;
}

function layerNorm(
  x: Float32Array,
  n: number,
  d: number,
  gain: Float32Array,
  bias: Float32Array,
  eps: number,
): Float32Array {
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const base = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[base + j]!;
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[base + j]! - mean) ** 2;
    const rstd = 1 / Math.sqrt(variance / d + eps);
    for (let j = 0; j < d; j++) out[base + j] = (x[base + j]! - mean) * rstd * gain[j]! + bias[j]!;
  }
  return out;
}

function addInto(target: Float32Array, add: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i]! += add[i]!;
}
