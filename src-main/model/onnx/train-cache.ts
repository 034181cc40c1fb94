/**
 * What the backward pass reads of the forward pass: each layer's activations and the head's distributions. A train
 * step runs the forward graph once, which answers the log-probs the policy loss needs and these activations; the
 * backward graph takes them back as inputs, so the forward is never computed twice (docs/engine.md).
 *
 * One list of slots names them for both graphs: `cache/<key>` outputs of the one, inputs of the other.
 */
import { headDim, type ModelConfig } from '../config';
import type { ForwardPass, LayerCache } from './forward-graph';
import type { OnnxValue } from './onnx-proto';
import { ONNX_FLOAT } from './onnx-proto';

/** The head's values the backward pass reads: the tempered distribution, its log and its entropy. */
export interface HeadCache {
  probs: string; // [B, L, V]
  logpAll: string; // [B, L, V]
  entropy: string; // [B, L]
}

/** The forward pass as the backward pass sees it (the logits themselves are not needed). */
export interface TrainCache {
  pass: Omit<ForwardPass, 'logits'>;
  head: HeadCache;
}

type Shape = (number | string)[];

function layerSlots(config: ModelConfig): [string, (c: LayerCache) => string, Shape][] {
  const { dModel: d, dMlp, heads: H } = config;
  const dh = headDim(config);
  const [rows, perHead, squares] = [
    ['B', 'L', d],
    ['B', H, 'L', dh],
    ['B', H, 'L', 'L'],
  ];
  return [
    ['ln1.xhat', (c) => c.ln1.xhat, rows],
    ['ln1.rstd', (c) => c.ln1.rstd, ['B', 'L', 1]],
    ['h1', (c) => c.h1, rows],
    ['q', (c) => c.q, perHead],
    ['kT', (c) => c.kT, ['B', H, dh, 'L']],
    ['v', (c) => c.v, perHead],
    ['probs', (c) => c.probs, squares],
    ['merged', (c) => c.merged, rows],
    ['ln2.xhat', (c) => c.ln2.xhat, rows],
    ['ln2.rstd', (c) => c.ln2.rstd, ['B', 'L', 1]],
    ['h2', (c) => c.h2, rows],
    ['pre', (c) => c.pre, ['B', 'L', dMlp]],
    ['sig', (c) => c.sig, ['B', 'L', dMlp]],
    ['hidden', (c) => c.hidden, ['B', 'L', dMlp]],
  ];
}

function headSlots(config: ModelConfig): [string, (c: TrainCache) => string, Shape][] {
  const rows = ['B', 'L', config.dModel];
  return [
    ['final', (c) => c.pass.final, rows],
    ['lnf.xhat', (c) => c.pass.lnf.xhat, rows],
    ['lnf.rstd', (c) => c.pass.lnf.rstd, ['B', 'L', 1]],
    ['head.probs', (c) => c.head.probs, ['B', 'L', config.vocabSize]],
    ['head.logpAll', (c) => c.head.logpAll, ['B', 'L', config.vocabSize]],
    ['head.entropy', (c) => c.head.entropy, ['B', 'L']],
  ];
}

const slotName = (key: string) => `cache/${key}`;

/** Every slot: its graph value name and its shape. */
export function cacheValues(config: ModelConfig): OnnxValue[] {
  const perLayer = Array.from({ length: config.layers }, (_, l) =>
    layerSlots(config).map(([key, , shape]) => ({ name: slotName(`h${l}.${key}`), type: ONNX_FLOAT, shape })),
  ).flat();
  const head = headSlots(config).map(([key, , shape]) => ({ name: slotName(key), type: ONNX_FLOAT, shape }));
  return [...perLayer, ...head];
}

/** [slot name, the forward graph's value] for each slot: what the forward graph answers. */
export function cacheOutputs(config: ModelConfig, cache: TrainCache): [string, string][] {
  const perLayer = cache.pass.layers.flatMap((layer, l) =>
    layerSlots(config).map(([key, read]) => [slotName(`h${l}.${key}`), read(layer)] as [string, string]),
  );
  return [...perLayer, ...headSlots(config).map(([key, read]) => [slotName(key), read(cache)] as [string, string])];
}

/** The cache as the backward graph's inputs. */
export function cacheInputs(config: ModelConfig): TrainCache {
  const layer = (l: number): LayerCache => {
    const at = (key: string) => slotName(`h${l}.${key}`);
    return {
      ln1: { xhat: at('ln1.xhat'), rstd: at('ln1.rstd') },
      h1: at('h1'),
      q: at('q'),
      kT: at('kT'),
      v: at('v'),
      probs: at('probs'),
      merged: at('merged'),
      ln2: { xhat: at('ln2.xhat'), rstd: at('ln2.rstd') },
      h2: at('h2'),
      pre: at('pre'),
      sig: at('sig'),
      hidden: at('hidden'),
    };
  };
  return {
    pass: {
      layers: Array.from({ length: config.layers }, (_, l) => layer(l)),
      final: slotName('final'),
      lnf: { xhat: slotName('lnf.xhat'), rstd: slotName('lnf.rstd') },
    },
    head: { probs: slotName('head.probs'), logpAll: slotName('head.logpAll'), entropy: slotName('head.entropy') },
  };
}
