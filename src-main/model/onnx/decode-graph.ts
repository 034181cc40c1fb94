/**
 * Sampling with a KV cache on ONNX Runtime: the transformer over a few new tokens per sequence, attending to each
 * sequence's cached keys and values. The cache stays in JS arrays of the full context ([S, H, C, dh] per layer) fed
 * in as they are, without copying; the graph returns only the new rows' keys and values, which the caller writes
 * into the cache, and the logits of one chosen row per sequence.
 *
 * Inputs: `ids`, `positions` [S, T] (int64), `mask` [S, 1, T, C + T] (0 where a row may look: the sequence's cached
 * positions and its new rows up to itself), `past_k_<l>`, `past_v_<l>` [S, H, C, dh], `rows` [S] (int64: s·T + the
 * row whose logits are wanted) and the weights. Outputs: `logits` [S, V], `new_k_<l>`, `new_v_<l>` [S, H, T, dh].
 */
import { headDim, type ModelConfig } from '../config';
import { GELU, modelInputs } from './forward-graph';
import { GraphBuilder } from './graph-builder';
import { encodeModel, ONNX_FLOAT, ONNX_INT64, type OnnxGraph, type OnnxValue } from './onnx-proto';

/** Slice's end for "to the last column" (ends past the dimension are clamped). */
const MAX_NEW_ROWS = 1 << 30;

export function decodeGraph(config: ModelConfig): OnnxGraph {
  const g = new GraphBuilder();
  const { dModel: d, heads, contextLength: C } = config;
  const dh = headDim(config);
  const eps = { float: config.layerNormEps };
  const layerNorm = (x: string, gain: string, bias: string) =>
    g.op('LayerNormalization', [x, gain, bias], { axis: -1, epsilon: eps });
  const linear = (x: string, w: string, b: string) => g.add(g.matMul(x, w), b);
  const cacheValues: OnnxValue[] = [];
  const outputs: OnnxValue[] = [];

  let x = g.add(g.op('Gather', ['wte', 'ids']), g.op('Gather', ['wpe', 'positions'])); // [S, T, d]
  for (let l = 0; l < config.layers; l++) {
    const h = layerNorm(x, `h${l}.ln1.g`, `h${l}.ln1.b`);
    const [qs, ks, vs] = g.multi('Split', [linear(h, `h${l}.qkv.w`, `h${l}.qkv.b`), g.ints([d, d, d])], 3, {
      axis: 2,
    });
    const toHeads = (t: string) => g.transpose(g.reshape(t, [0, 0, heads, dh]), [0, 2, 1, 3]); // [S, H, T, dh]
    const [q, k, v] = [toHeads(qs!), toHeads(ks!), toHeads(vs!)];
    g.name(k, `new_k_${l}`);
    g.name(v, `new_v_${l}`);
    // Scores against the whole cache and against the new rows separately, so the cache is only read (a Concat
    // would copy all of it on every step: most of a step's time at batch 128).
    const scale = g.scalar(1 / Math.sqrt(dh));
    const scoresOn = (keys: string) => g.mul(g.matMul(q, g.transpose(keys, [0, 1, 3, 2])), scale);
    const scores = g.add(g.op('Concat', [scoresOn(`past_k_${l}`), scoresOn(k)], { axis: 3 }), 'mask');
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const columns = (from: number, to: number) => g.op('Slice', [probs, g.ints([from]), g.ints([to]), g.ints([3])]);
    const [toPast, toNew] = [columns(0, C), columns(C, C + MAX_NEW_ROWS)];
    const attended = g.add(g.matMul(toPast, `past_v_${l}`), g.matMul(toNew, v)); // [S, H, T, dh]
    x = g.add(x, linear(g.reshape(g.transpose(attended, [0, 2, 1, 3]), [0, 0, d]), `h${l}.out.w`, `h${l}.out.b`));
    const pre = linear(layerNorm(x, `h${l}.ln2.g`, `h${l}.ln2.b`), `h${l}.fc.w`, `h${l}.fc.b`);
    const cube = g.mul(g.mul(pre, pre), pre);
    const sig = g.op('Sigmoid', [g.mul(g.add(pre, g.mul(cube, g.scalar(GELU.a))), g.scalar(GELU.c))]);
    x = g.add(x, linear(g.mul(pre, sig), `h${l}.proj.w`, `h${l}.proj.b`));
    for (const kind of ['k', 'v'])
      cacheValues.push({ name: `past_${kind}_${l}`, type: ONNX_FLOAT, shape: ['S', heads, C, dh] });
    for (const kind of ['k', 'v'])
      outputs.push({ name: `new_${kind}_${l}`, type: ONNX_FLOAT, shape: ['S', heads, 'T', dh] });
  }
  // Only the chosen rows go through the final LayerNorm and the head.
  const chosen = g.op('Gather', [g.reshape(x, [-1, d]), 'rows']); // [S, d]
  g.name(g.matMul(layerNorm(chosen, 'lnf.g', 'lnf.b'), g.transpose('wte', [1, 0])), 'logits');
  const inputs = modelInputs(config).map((input) =>
    input.name === 'ids' || input.name === 'positions'
      ? { ...input, shape: ['S', 'T'] }
      : input.name === 'mask'
        ? { ...input, shape: ['S', 1, 'T', 'CT'] }
        : input,
  );
  return {
    name: 'aepo_lab_decode',
    nodes: g.nodes,
    constants: g.constants,
    inputs: [...inputs, ...cacheValues, { name: 'rows', type: ONNX_INT64, shape: ['S'] }],
    outputs: [{ name: 'logits', type: ONNX_FLOAT, shape: ['S', config.vocabSize] }, ...outputs],
  };
}

export const decodeModelBytes = (config: ModelConfig) => encodeModel(decodeGraph(config));
