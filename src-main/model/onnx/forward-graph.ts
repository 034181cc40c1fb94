/**
 * The transformer's forward pass (transformer.ts: GPT-2 layout, tied head) as an ONNX graph, built in code from the
 * model config: no Python, no export step. The weights are graph inputs named as the checkpoint names them, so an
 * optimiser update changes only what is fed in, never the session.
 *
 * Inputs: `ids` and `positions` [B, L] (int64), `mask` [B, 1, L, L] (0 where a token may look, −1e9 elsewhere) and
 * the weights. Output: `logits` [B, L, V].
 */
import { headDim, type ModelConfig } from '../config';
import { encodeModel, ONNX_FLOAT, ONNX_INT64, type OnnxConstant, type OnnxGraph, type OnnxNode } from './onnx-proto';

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

/** Nodes with generated output names: `op('MatMul', a, b)` answers the new value's name. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly constants: OnnxConstant[] = [];
  private count = 0;

  op(op: string, inputs: string[], attributes?: OnnxNode['attributes']): string {
    const output = `${op.toLowerCase()}_${this.count++}`;
    this.nodes.push({ op, inputs, outputs: [output], attributes });
    return output;
  }

  ints(name: string, values: number[]): string {
    this.constants.push({ name, type: ONNX_INT64, dims: [values.length], values });
    return name;
  }

  scalar(name: string, value: number): string {
    this.constants.push({ name, type: ONNX_FLOAT, dims: [], values: [value] });
    return name;
  }
}

export function forwardGraph(config: ModelConfig): OnnxGraph {
  const g = new GraphBuilder();
  const { dModel: d, heads } = config;
  const dh = headDim(config);
  const eps = { float: config.layerNormEps };
  const toHeads = g.ints('shape_heads', [0, 0, heads, dh]); // 0: keep that dimension as it is
  const toModel = g.ints('shape_model', [0, 0, d]);
  const thirds = g.ints('split_qkv', [d, d, d]);
  const scale = g.scalar('attention_scale', 1 / Math.sqrt(dh));
  const [geluA, geluC] = [g.scalar('gelu_a', GELU_A), g.scalar('gelu_c', GELU_C)];
  const linear = (x: string, w: string, b: string) => g.op('Add', [g.op('MatMul', [x, w]), b]);
  const layerNorm = (x: string, gain: string, bias: string) =>
    g.op('LayerNormalization', [x, gain, bias], { axis: -1, epsilon: eps });

  let x = g.op('Add', [g.op('Gather', ['wte', 'ids']), g.op('Gather', ['wpe', 'positions'])]); // [B, L, d]
  for (let l = 0; l < config.layers; l++) {
    const h = layerNorm(x, `h${l}.ln1.g`, `h${l}.ln1.b`);
    const qkv = linear(h, `h${l}.qkv.w`, `h${l}.qkv.b`);
    const split = `split_${l}`;
    g.nodes.push({
      op: 'Split',
      inputs: [qkv, thirds],
      outputs: [`${split}_q`, `${split}_k`, `${split}_v`],
      attributes: { axis: 2 },
    });
    const heads4 = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, toHeads])], { perm });
    const q = heads4(`${split}_q`, [0, 2, 1, 3]); // [B, H, L, dh]
    const kT = heads4(`${split}_k`, [0, 2, 3, 1]); // [B, H, dh, L]
    const v = heads4(`${split}_v`, [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), scale]), 'mask']); // [B, H, L, L]
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), toModel]);
    x = g.op('Add', [x, linear(merged, `h${l}.out.w`, `h${l}.out.b`)]);
    const pre = linear(layerNorm(x, `h${l}.ln2.g`, `h${l}.ln2.b`), `h${l}.fc.w`, `h${l}.fc.b`);
    // GELU as the tfjs model computes it: x · σ(c · (x + a·x³)).
    const cube = g.op('Mul', [g.op('Mul', [pre, pre]), pre]);
    const inner = g.op('Mul', [g.op('Add', [pre, g.op('Mul', [cube, geluA])]), geluC]);
    const hidden = g.op('Mul', [pre, g.op('Sigmoid', [inner])]);
    x = g.op('Add', [x, linear(hidden, `h${l}.proj.w`, `h${l}.proj.b`)]);
  }
  const final = layerNorm(x, 'lnf.g', 'lnf.b');
  const logits = g.op('MatMul', [final, g.op('Transpose', ['wte'], { perm: [1, 0] })]);
  g.nodes.push({ op: 'Identity', inputs: [logits], outputs: ['logits'] });
  return {
    name: 'aepo_lab_forward',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [
      { name: 'ids', type: ONNX_INT64, shape: ['B', 'L'] },
      { name: 'positions', type: ONNX_INT64, shape: ['B', 'L'] },
      { name: 'mask', type: ONNX_FLOAT, shape: ['B', 1, 'L', 'L'] },
      ...weightInputs(config).map((w) => ({ name: w.name, type: ONNX_FLOAT, shape: w.shape })),
    ],
    outputs: [{ name: 'logits', type: ONNX_FLOAT, shape: ['B', 'L', config.vocabSize] }],
  };
}

export const forwardModelBytes = (config: ModelConfig): Uint8Array => encodeModel(forwardGraph(config));
