/**
 * The policy: a decoder-only transformer in raw tf ops (GPT-2 layout: token + position embeddings, pre-LayerNorm
 * blocks of causal multi-head attention and a GELU MLP, a final LayerNorm, and an output head tied to the token
 * embedding). This forward runs whole sequences (training, scoring); decoder.ts runs new tokens against a KV cache.
 *
 * Shapes: B sequences of L tokens, d = dModel, H heads of dh = d / H, V vocabulary.
 */
import * as tf from '@tensorflow/tfjs';
import { headDim, type ModelConfig } from './config';
import { attention } from './attention';
import { embeddingLookup, gelu, layerNorm, linear, matMul2d, variableFrom } from './ops';
import { Rng } from './rng';

export interface LayerWeights {
  ln1Gain: tf.Variable;
  ln1Bias: tf.Variable;
  /** [d, 3d]: query, key and value projections side by side. */
  qkv: tf.Variable;
  qkvBias: tf.Variable;
  /** [d, d] */
  out: tf.Variable;
  outBias: tf.Variable;
  ln2Gain: tf.Variable;
  ln2Bias: tf.Variable;
  /** [d, dMlp] and [dMlp, d] */
  fc: tf.Variable;
  fcBias: tf.Variable;
  proj: tf.Variable;
  projBias: tf.Variable;
}

export interface TransformerWeights {
  /** [V, d]; also the output head. */
  tokenEmbedding: tf.Variable;
  /** [contextLength, d] */
  positionEmbedding: tf.Variable;
  layers: LayerWeights[];
  finalGain: tf.Variable;
  finalBias: tf.Variable;
}

export interface ForwardInput {
  /** [B][L] token ids. */
  ids: number[][];
  /** [B][L] position of each token in its own sequence (0-based). */
  positions: number[][];
  /** [B][L] false where a token is padding; defaults to all real. */
  valid?: boolean[][];
  /** `all`: logits [B, L, V] (training, scoring); `last`: [B, V] at each sequence's last real token. */
  logitsAt: 'all' | 'last';
}

const MASKED = -1e9;
let nextModelId = 0;

/** Additive attention mask [B, 1, L, L]: each token sees the real tokens up to itself. */
function attentionMask(valid: boolean[][], length: number): tf.Tensor4D {
  const batch = valid.length;
  const mask = new Float32Array(batch * length * length).fill(MASKED);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < length; i++) {
      for (let j = 0; j <= i; j++) if (valid[b]![j]) mask[(b * length + i) * length + j] = 0;
    }
  }
  return tf.tensor4d(mask, [batch, 1, length, length]);
}

export class Transformer {
  constructor(
    readonly config: ModelConfig,
    readonly weights: TransformerWeights,
  ) {}

  /** GPT-2 initialisation from a seed: N(0, 0.02), residual projections scaled by 1/√(2·layers). */
  static create(config: ModelConfig, seed: number): Transformer {
    const rng = new Rng(seed);
    // Variable names are global to the tf engine; the prefix lets several models live in one thread.
    const prefix = `m${nextModelId++}/`;
    const normal = (shape: number[], std: number, name: string) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
      return variableFrom(tf.tensor(values, shape), true, prefix + name);
    };
    const fill = (shape: number[], value: number, name: string) =>
      variableFrom(tf.fill(shape, value), true, prefix + name);
    const { dModel: d, dMlp, vocabSize, contextLength, layers } = config;
    const residualStd = 0.02 / Math.sqrt(2 * layers);
    return new Transformer(config, {
      tokenEmbedding: normal([vocabSize, d], 0.02, 'wte'),
      positionEmbedding: normal([contextLength, d], 0.01, 'wpe'),
      layers: Array.from({ length: layers }, (_, l) => ({
        ln1Gain: fill([d], 1, `h${l}.ln1.g`),
        ln1Bias: fill([d], 0, `h${l}.ln1.b`),
        qkv: normal([d, 3 * d], 0.02, `h${l}.qkv.w`),
        qkvBias: fill([3 * d], 0, `h${l}.qkv.b`),
        out: normal([d, d], residualStd, `h${l}.out.w`),
        outBias: fill([d], 0, `h${l}.out.b`),
        ln2Gain: fill([d], 1, `h${l}.ln2.g`),
        ln2Bias: fill([d], 0, `h${l}.ln2.b`),
        fc: normal([d, dMlp], 0.02, `h${l}.fc.w`),
        fcBias: fill([dMlp], 0, `h${l}.fc.b`),
        proj: normal([dMlp, d], residualStd, `h${l}.proj.w`),
        projBias: fill([d], 0, `h${l}.proj.b`),
      })),
      finalGain: fill([d], 1, 'lnf.g'),
      finalBias: fill([d], 0, 'lnf.b'),
    });
  }

  /** Every trainable variable in a fixed order (the checkpoint and optimizer order). */
  variables(): tf.Variable[] {
    const w = this.weights;
    const perLayer = (l: LayerWeights) => [
      l.ln1Gain,
      l.ln1Bias,
      l.qkv,
      l.qkvBias,
      l.out,
      l.outBias,
      l.ln2Gain,
      l.ln2Bias,
      l.fc,
      l.fcBias,
      l.proj,
      l.projBias,
    ];
    return [w.tokenEmbedding, w.positionEmbedding, ...w.layers.flatMap(perLayer), w.finalGain, w.finalBias];
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }

  /**
   * Runs whole sequences through the model (training, scoring). Call inside tf.tidy or tf.variableGrads.
   * Sampling uses the Decoder, which keeps a KV cache.
   */
  forward(input: ForwardInput): tf.Tensor {
    const { config, weights } = this;
    const batch = input.ids.length;
    const length = input.ids[0]?.length ?? 0;
    const valid = input.valid ?? input.ids.map((row) => row.map(() => true));
    for (const row of input.positions) {
      for (const p of row)
        if (p >= config.contextLength)
          throw new Error(`position ${p} is past the context of ${config.contextLength} tokens`);
    }
    const dh = headDim(config);
    const heads = config.heads;

    const ids = tf.tensor1d(input.ids.flat(), 'int32');
    const positions = tf.tensor1d(input.positions.flat(), 'int32');
    let x = tf.add(
      embeddingLookup(weights.tokenEmbedding as tf.Tensor2D, ids),
      embeddingLookup(weights.positionEmbedding as tf.Tensor2D, positions),
    ) as tf.Tensor2D; // [B·L, d]
    const mask = attentionMask(valid, length);
    // [B·L, d] → [B·H, L, dh]: one (sequence, head) pair per leading index.
    const toHeads = (t: tf.Tensor2D) =>
      tf.reshape(tf.transpose(tf.reshape(t, [batch, length, heads, dh]), [0, 2, 1, 3]), [
        batch * heads,
        length,
        dh,
      ]) as tf.Tensor3D;

    weights.layers.forEach((layer) => {
      const h = layerNorm(x, layer.ln1Gain as tf.Tensor1D, layer.ln1Bias as tf.Tensor1D, config.layerNormEps);
      const qkv = linear(h, layer.qkv as tf.Tensor2D, layer.qkvBias as tf.Tensor1D); // [B·L, 3d]
      const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const attended = tf.reshape(attention(toHeads(q), toHeads(k), toHeads(v), mask, heads), [
        batch,
        heads,
        length,
        dh,
      ]);
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch * length, config.dModel]) as tf.Tensor2D;
      x = tf.add(x, linear(merged, layer.out as tf.Tensor2D, layer.outBias as tf.Tensor1D));
      const h2 = layerNorm(x, layer.ln2Gain as tf.Tensor1D, layer.ln2Bias as tf.Tensor1D, config.layerNormEps);
      const hidden = gelu(linear(h2, layer.fc as tf.Tensor2D, layer.fcBias as tf.Tensor1D)) as tf.Tensor2D;
      x = tf.add(x, linear(hidden, layer.proj as tf.Tensor2D, layer.projBias as tf.Tensor1D));
    });

    let final = layerNorm(x, weights.finalGain as tf.Tensor1D, weights.finalBias as tf.Tensor1D, config.layerNormEps);
    // With one new token per sequence its row is already the last one.
    if (input.logitsAt === 'last' && length > 1) {
      const rows = valid.map((row, b) => b * length + Math.max(0, row.lastIndexOf(true)));
      final = tf.gather(final, tf.tensor1d(rows, 'int32'));
    }
    // Tied head: logits = x · Eᵀ, with the transpose explicit so the matMul stays on the fast path.
    const logits2d = matMul2d(final, tf.transpose(weights.tokenEmbedding) as tf.Tensor2D);
    return input.logitsAt === 'all' ? tf.reshape(logits2d, [batch, length, config.vocabSize]) : logits2d;
  }
}
