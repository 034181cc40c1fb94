/**
 * The graphs training needs, built in code from the model config:
 * - scoring: per-token log-probabilities of given next tokens and the entropy of each next-token distribution, at a
 *   sampling temperature (scoring.ts in tfjs), without sending the [B, L, V] logits back;
 * - gradients: the same forward, then the backward pass written out by hand, from the loss's gradients with respect
 *   to those log-probabilities and entropies (`dlogp`, `dentropy`, computed in JS from whatever the policy loss is)
 *   to every weight. The optimiser (AdamW) stays in JS.
 *
 * Inputs besides the model's: `targets` [B, L] (the token each column predicts; anything where `dlogp` and
 * `dentropy` are 0) and `inv_temperature` (a scalar).
 */
import type { ModelConfig } from '../config';
import { headDim } from '../config';
import { forwardPass, GELU, modelInputs, weightInputs, type NormCache } from './forward-graph';
import { cacheInputs, cacheOutputs, cacheValues, type TrainCache } from './train-cache';
import { GraphBuilder } from './graph-builder';
import { encodeModel, ONNX_FLOAT, ONNX_INT64, type OnnxGraph, type OnnxValue } from './onnx-proto';

const TRAIN_INPUTS: OnnxValue[] = [
  { name: 'targets', type: ONNX_INT64, shape: ['B', 'L'] },
  { name: 'inv_temperature', type: ONNX_FLOAT, shape: [] },
];
const PER_TOKEN = (name: string): OnnxValue => ({ name, type: ONNX_FLOAT, shape: ['B', 'L'] });

/** How a graph is built for the device it runs on. */
export interface GraphOptions {
  /**
   * ONNX Runtime's WebGPU provider has no LogSoftmax kernel, so that node (over every logit: B × L × V) ran on the
   * CPU with copies both ways; written out as z − max − log Σ exp(z − max), every node of it runs on the GPU.
   */
  logSoftmaxByParts?: boolean;
}

/** Log-softmax of the tempered logits, the chosen tokens' log-probs and each distribution's entropy. */
function headStats(g: GraphBuilder, logits: string, options: GraphOptions) {
  const z = g.mul(logits, 'inv_temperature');
  const logpAll = options.logSoftmaxByParts ? logSoftmaxByParts(g, z) : g.op('LogSoftmax', [z], { axis: -1 });
  const probs = g.op('Exp', [logpAll]);
  const entropy = g.op('Neg', [g.op('ReduceSum', [g.mul(probs, logpAll), g.ints([-1])], { keepdims: 0 })]);
  const last = g.ints([-1]);
  const chosen = g.op('GatherElements', [logpAll, g.op('Unsqueeze', ['targets', last])], { axis: -1 });
  return { logpAll, probs, entropy, logp: g.op('Squeeze', [chosen, last]) };
}

/** log softmax over the last axis, from nodes every provider has. */
function logSoftmaxByParts(g: GraphBuilder, z: string): string {
  // (Opset 13: ReduceMax takes its axes as an attribute, ReduceSum as an input.)
  const shifted = g.sub(z, g.op('ReduceMax', [z], { axes: [-1], keepdims: 1 }));
  return g.sub(shifted, g.op('Log', [g.op('ReduceSum', [g.op('Exp', [shifted]), g.ints([-1])], { keepdims: 1 })]));
}

export function scoringGraph(config: ModelConfig, options: GraphOptions = {}): OnnxGraph {
  const g = new GraphBuilder();
  const { logp, entropy } = headStats(g, forwardPass(g, config).logits, options);
  g.name(logp, 'logp');
  g.name(entropy, 'entropy');
  return {
    name: 'aepo_lab_scoring',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [...modelInputs(config), ...TRAIN_INPUTS],
    outputs: [PER_TOKEN('logp'), PER_TOKEN('entropy')],
  };
}

/** Gradient outputs are named `grad/<weight>`, in weightInputs' order. */
export const gradName = (weight: string) => `grad/${weight}`;

/** The forward pass for a train step: log-probs, entropies and the cache the backward pass reads. */
export function trainingForwardGraph(config: ModelConfig, options: GraphOptions = {}): OnnxGraph {
  const g = new GraphBuilder();
  const { logits, ...pass } = forwardPass(g, config);
  const head = headStats(g, logits, options);
  const cache = cacheOutputs(config, { pass, head });
  for (const [slot, value] of cache) g.name(value, slot);
  g.name(head.logp, 'logp');
  g.name(head.entropy, 'entropy');
  return {
    name: 'aepo_lab_training_forward',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [...modelInputs(config), ...TRAIN_INPUTS],
    outputs: [PER_TOKEN('logp'), PER_TOKEN('entropy'), ...cacheValues(config)],
  };
}

/** The backward pass on `cache` (graph inputs, or the same graph's forward): names the `grad/<weight>` outputs. */
function backwardPass(g: GraphBuilder, config: ModelConfig, { pass, head }: TrainCache): void {
  const { dModel: d, dMlp, heads, vocabSize: V, contextLength } = config;
  const dh = headDim(config);
  const grads = new Map<string, string>();
  const last = g.ints([-1]);
  const keep = (name: string) => g.op('Unsqueeze', [name, last]);
  // Adds `updates` [B, L, ...] into the rows of `into` that `indices` [B, L] name (several may name one row).
  const scatterRows = (into: string, indices: string, updates: string) =>
    g.op('ScatterND', [into, keep(indices), updates], { reduction: { text: 'add' } });
  const zeros = (shape: number[]) => g.op('ConstantOfShape', [g.ints(shape)]);

  // The head: d/dz of dlogp·log p(target) + dentropy·H, with z the tempered logits; then through z = logits / T.
  // d log p(target)/dz = onehot(target) − p: the one-hot part is added at the target column only.
  const fromLogp = g.op(
    'ScatterElements',
    [g.op('Neg', [g.mul(keep('dlogp'), head.probs)]), keep('targets'), keep('dlogp')],
    { axis: -1, reduction: { text: 'add' } },
  );
  const fromEntropy = g.mul(
    keep('dentropy'),
    g.op('Neg', [g.mul(head.probs, g.add(head.logpAll, keep(head.entropy)))]),
  );
  const dLogits = g.mul(g.add(fromLogp, fromEntropy), 'inv_temperature'); // [B, L, V]
  const wteFromHead = g.rowsTMatMul(dLogits, pass.final, V, d);
  const layerNormBack = (dy: string, cache: NormCache, gain: string, bias: string): string => {
    grads.set(gain, g.sumToLast(g.mul(dy, cache.xhat), 3));
    grads.set(bias, g.sumToLast(dy, 3));
    const dxhat = g.mul(dy, gain);
    const centred = g.sub(g.sub(dxhat, g.meanLast(dxhat)), g.mul(cache.xhat, g.meanLast(g.mul(dxhat, cache.xhat))));
    return g.mul(centred, cache.rstd);
  };
  const linearBack = (dy: string, input: string, w: string, b: string, m: number, n: number): string => {
    grads.set(w, g.rowsTMatMul(input, dy, m, n));
    grads.set(b, g.sumToLast(dy, 3));
    return g.matMul(dy, g.transpose(w, [1, 0]));
  };

  let dx = layerNormBack(g.matMul(dLogits, 'wte'), pass.lnf, 'lnf.g', 'lnf.b'); // [B, L, d]
  for (let l = config.layers - 1; l >= 0; l--) {
    const c = pass.layers[l]!;
    const w = (name: string) => `h${l}.${name}`;
    // MLP: x += proj(gelu(fc(ln2(x)))).
    const dHidden = linearBack(dx, c.hidden, w('proj.w'), w('proj.b'), dMlp, d);
    const slope = g.mul(g.scalar(GELU.c), g.add(g.scalar(1), g.mul(g.scalar(3 * GELU.a), g.mul(c.pre, c.pre))));
    const geluGrad = g.add(c.sig, g.mul(g.mul(g.mul(c.pre, c.sig), g.sub(g.scalar(1), c.sig)), slope));
    const dH2 = linearBack(g.mul(dHidden, geluGrad), c.h2, w('fc.w'), w('fc.b'), d, dMlp);
    dx = g.add(dx, layerNormBack(dH2, c.ln2, w('ln2.g'), w('ln2.b')));
    // Attention: x += out(attend(qkv(ln1(x)))).
    const dMerged = linearBack(dx, c.merged, w('out.w'), w('out.b'), d, d);
    const dAttended = g.transpose(g.reshape(dMerged, [0, 0, heads, dh]), [0, 2, 1, 3]); // [B, H, L, dh]
    const swap = (t: string) => g.transpose(t, [0, 1, 3, 2]);
    const dProbs = g.matMul(dAttended, swap(c.v));
    const dV = g.matMul(swap(c.probs), dAttended);
    const dScores = g.mul(
      g.mul(c.probs, g.sub(dProbs, g.sumKeep(g.mul(dProbs, c.probs), [-1]))),
      g.scalar(1 / Math.sqrt(dh)),
    );
    const dQ = g.matMul(dScores, swap(c.kT));
    const dK = g.matMul(swap(dScores), c.q);
    const toModel = (t: string) => g.reshape(g.transpose(t, [0, 2, 1, 3]), [0, 0, d]);
    const dQkv = g.op('Concat', [toModel(dQ), toModel(dK), toModel(dV)], { axis: 2 });
    const dH1 = linearBack(dQkv, c.h1, w('qkv.w'), w('qkv.b'), d, 3 * d);
    dx = g.add(dx, layerNormBack(dH1, c.ln1, w('ln1.g'), w('ln1.b')));
  }
  // The embeddings: each row's gradient is the sum over the tokens (positions) that looked it up.
  grads.set('wte', scatterRows(wteFromHead, 'ids', dx));
  grads.set('wpe', scatterRows(zeros([contextLength, d]), 'positions', dx));

  for (const weight of weightInputs(config)) g.name(grads.get(weight.name)!, gradName(weight.name));
}

const gradientOutputs = (config: ModelConfig): OnnxValue[] =>
  weightInputs(config).map((weight) => ({ name: gradName(weight.name), type: ONNX_FLOAT, shape: weight.shape }));

/** Every weight's gradient from dlogp, dentropy and the cached forward: outputs `grad/<weight>`. */
export function backwardGraph(config: ModelConfig): OnnxGraph {
  const g = new GraphBuilder();
  backwardPass(g, config, cacheInputs(config));
  // Inputs: only the weights the backward pass reads (the matrices it multiplies by and the gains).
  const read = new Set(g.nodes.flatMap((node) => node.inputs));
  return {
    name: 'aepo_lab_backward',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [
      ...modelInputs(config).filter((input) => read.has(input.name)),
      ...TRAIN_INPUTS,
      PER_TOKEN('dlogp'),
      PER_TOKEN('dentropy'),
      ...cacheValues(config),
    ],
    outputs: gradientOutputs(config),
  };
}

/**
 * The forward and backward passes in one graph, for batches whose cached activations would be too large to hand
 * back and forth (the forward is computed twice then: once to score, once here).
 */
export function gradientGraph(config: ModelConfig, options: GraphOptions = {}): OnnxGraph {
  const g = new GraphBuilder();
  const { logits, ...pass } = forwardPass(g, config);
  backwardPass(g, config, { pass, head: headStats(g, logits, options) });
  return {
    name: 'aepo_lab_gradients',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [...modelInputs(config), ...TRAIN_INPUTS, PER_TOKEN('dlogp'), PER_TOKEN('dentropy')],
    outputs: gradientOutputs(config),
  };
}

export const scoringModelBytes = (config: ModelConfig, options?: GraphOptions) =>
  encodeModel(scoringGraph(config, options));
export const trainingForwardModelBytes = (config: ModelConfig, options?: GraphOptions) =>
  encodeModel(trainingForwardGraph(config, options));
export const backwardModelBytes = (config: ModelConfig) => encodeModel(backwardGraph(config));
export const gradientModelBytes = (config: ModelConfig, options?: GraphOptions) =>
  encodeModel(gradientGraph(config, options));
