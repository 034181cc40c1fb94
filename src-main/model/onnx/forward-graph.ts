/**
 * The transformer's forward pass (transformer.ts: GPT-2 layout, tied head) as an ONNX graph, built in code from the
 * model config: no Python, no export step. The weights are graph inputs named as the checkpoint names them, so an
 * optimiser update changes only what is fed in, never the session.
 *
 * Inputs: `ids` and `positions` [B, L] (int64), `mask` [B, 1, L, L] (0 where a token may look, −1e9 elsewhere) and
 * the weights. Output: `logits` [B, L, V].
 */
import { headDim, type ModelConfig } from '../config';
import { GraphBuilder } from './graph-builder';
import { encodeModel, ONNX_FLOAT, ONNX_INT64, type OnnxGraph, type OnnxValue } from './onnx-proto';

const GELU_A = 0.044715;
const GELU_C = 2 * Math.sqrt(2 / Math.PI);

/** The weight inputs in the checkpoint's variable order (Transformer.variables()), with their shapes. */
export function weightInputs(config: ModelConfig): { name: string; shape: number[] }[] {
  const { dModel: d, dMlp, vocabSize, contextLength } = config;
  const layer = (l: number) => [
    { name: `h${l}.ln1.g`, shape: [d] },
    { name: `h${l}.ln1.b`, shape: [d] },
    { name: `h${l}.qkv.w`, shape: [d, 3 * d] },
    { name: `h${l}.qkv.b`, shape: [3 * d] },
    { name: `h${l}.out.w`, shape: [d, d] },
    { name: `h${l}.out.b`, shape: [d] },
    { name: `h${l}.ln2.g`, shape: [d] },
    { name: `h${l}.ln2.b`, shape: [d] },
    { name: `h${l}.fc.w`, shape: [d, dMlp] },
    { name: `h${l}.fc.b`, shape: [dMlp] },
    { name: `h${l}.proj.w`, shape: [dMlp, d] },
    { name: `h${l}.proj.b`, shape: [d] },
  ];
  return [
    { name: 'wte', shape: [vocabSize, d] },
    { name: 'wpe', shape: [contextLength, d] },
    ...Array.from({ length: config.layers }, (_, l) => layer(l)).flat(),
    { name: 'lnf.g', shape: [d] },
    { name: 'lnf.b', shape: [d] },
  ];
}

/** What the backward pass needs of a LayerNorm: its normalised input and 1/σ. */
export interface NormCache {
  xhat: string;
  rstd: string;
}

/** What the backward pass needs of one block. */
export interface LayerCache {
  ln1: NormCache;
  h1: string;
  q: string; // [B, H, L, dh]
  kT: string; // [B, H, dh, L]
  v: string; // [B, H, L, dh]
  probs: string; // [B, H, L, L]
  merged: string; // [B, L, d]
  ln2: NormCache;
  h2: string;
  pre: string; // the MLP's input to GELU, [B, L, dMlp]
  sig: string; // σ(c·(pre + a·pre³))
  hidden: string;
}

export interface ForwardPass {
  layers: LayerCache[];
  lnf: NormCache;
  /** The final LayerNorm's output [B, L, d], which the tied head reads. */
  final: string;
  logits: string; // [B, L, V]
}

/** The forward pass on graph inputs `ids`, `positions`, `mask` and the weights (weightInputs' names). */
export function forwardPass(g: GraphBuilder, config: ModelConfig): ForwardPass {
  const { dModel: d, heads } = config;
  const dh = headDim(config);
  const scale = g.scalar(1 / Math.sqrt(dh));
  const layerNorm = (x: string, gain: string, bias: string): [string, NormCache] => {
    const [y, mean, rstd] = g.multi('LayerNormalization', [x, gain, bias], 3, {
      axis: -1,
      epsilon: { float: config.layerNormEps },
    });
    return [y!, { xhat: g.mul(g.sub(x, mean!), rstd!), rstd: rstd! }];
  };
  const linear = (x: string, w: string, b: string) => g.add(g.matMul(x, w), b);

  let x = g.add(g.op('Gather', ['wte', 'ids']), g.op('Gather', ['wpe', 'positions'])); // [B, L, d]
  const layers: LayerCache[] = [];
  for (let l = 0; l < config.layers; l++) {
    const [h1, ln1] = layerNorm(x, `h${l}.ln1.g`, `h${l}.ln1.b`);
    const [qs, ks, vs] = g.multi('Split', [linear(h1, `h${l}.qkv.w`, `h${l}.qkv.b`), g.ints([d, d, d])], 3, {
      axis: 2,
    });
    const toHeads = (t: string, perm: number[]) => g.transpose(g.reshape(t, [0, 0, heads, dh]), perm); // 0: keep
    const [q, kT, v] = [toHeads(qs!, [0, 2, 1, 3]), toHeads(ks!, [0, 2, 3, 1]), toHeads(vs!, [0, 2, 1, 3])];
    const probs = g.op('Softmax', [g.add(g.mul(g.matMul(q, kT), scale), 'mask')], { axis: -1 }); // [B, H, L, L]
    const merged = g.reshape(g.transpose(g.matMul(probs, v), [0, 2, 1, 3]), [0, 0, d]);
    x = g.add(x, linear(merged, `h${l}.out.w`, `h${l}.out.b`));
    const [h2, ln2] = layerNorm(x, `h${l}.ln2.g`, `h${l}.ln2.b`);
    const pre = linear(h2, `h${l}.fc.w`, `h${l}.fc.b`);
    // GELU as the tfjs model computes it: x · σ(c · (x + a·x³)).
    const cube = g.mul(g.mul(pre, pre), pre);
    const sig = g.op('Sigmoid', [g.mul(g.add(pre, g.mul(cube, g.scalar(GELU_A))), g.scalar(GELU_C))]);
    const hidden = g.mul(pre, sig);
    x = g.add(x, linear(hidden, `h${l}.proj.w`, `h${l}.proj.b`));
    layers.push({ ln1, h1, q, kT, v, probs, merged, ln2, h2, pre, sig, hidden });
  }
  const [final, lnf] = layerNorm(x, 'lnf.g', 'lnf.b');
  const logits = g.matMul(final, g.transpose('wte', [1, 0]));
  return { layers, lnf, final, logits };
}

export const GELU = { a: GELU_A, c: GELU_C };

/** The graph inputs every transformer graph has: the tokens, positions, attention mask and weights. */
export function modelInputs(config: ModelConfig): OnnxValue[] {
  return [
    { name: 'ids', type: ONNX_INT64, shape: ['B', 'L'] },
    { name: 'positions', type: ONNX_INT64, shape: ['B', 'L'] },
    { name: 'mask', type: ONNX_FLOAT, shape: ['B', 1, 'L', 'L'] },
    ...weightInputs(config).map((w) => ({ name: w.name, type: ONNX_FLOAT, shape: w.shape })),
  ];
}

export function forwardGraph(config: ModelConfig): OnnxGraph {
  const g = new GraphBuilder();
  g.name(forwardPass(g, config).logits, 'logits');
  return {
    name: 'aepo_lab_forward',
    nodes: g.nodes,
    constants: g.constants,
    inputs: modelInputs(config),
    outputs: [{ name: 'logits', type: ONNX_FLOAT, shape: ['B', 'L', config.vocabSize] }],
  };
}

export const forwardModelBytes = (config: ModelConfig): Uint8Array => encodeModel(forwardGraph(config));
