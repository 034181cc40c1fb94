/** Shape of the policy transformer. Every named size is fixed here so checkpoints can record it. */
export interface ModelConfig {
  /** Tokenizer vocabulary size, special tokens included. */
  vocabSize: number;
  /** Longest sequence (prompt, generated text and tool results together), in tokens. */
  contextLength: number;
  layers: number;
  /** Width of the residual stream. */
  dModel: number;
  heads: number;
  /** Hidden width of each MLP, usually 4 × dModel. */
  dMlp: number;
  /** Added inside every LayerNorm's square root. */
  layerNormEps: number;
}

export const MODEL_SIZES = {
  /** For tests: trains in seconds. */
  tiny: { layers: 1, dModel: 32, heads: 2, dMlp: 128, contextLength: 64 },
  /** The laptop default: ≈ the toolchain study's model A with a longer context. */
  small: { layers: 2, dModel: 128, heads: 4, dMlp: 512, contextLength: 256 },
  base: { layers: 4, dModel: 256, heads: 4, dMlp: 1024, contextLength: 512 },
} as const satisfies Record<string, Omit<ModelConfig, 'vocabSize' | 'layerNormEps'>>;

export type ModelSize = keyof typeof MODEL_SIZES;

/** The model of a named size (a run config's `model.size`) for a tokenizer's vocabulary. */
export function modelConfig(size: ModelSize, vocabSize: number): ModelConfig {
  return { ...MODEL_SIZES[size], vocabSize, layerNormEps: 1e-5 };
}

export function headDim(config: ModelConfig): number {
  if (config.dModel % config.heads !== 0)
    throw new Error(`dModel ${config.dModel} is not divisible by heads ${config.heads}`);
  return config.dModel / config.heads;
}

/** Number of trainable scalars; the output head is tied to the token embedding and not counted twice. */
export function parameterCount(c: ModelConfig): number {
  const perLayer =
    4 * c.dModel +
    (c.dModel * 3 * c.dModel + 3 * c.dModel) +
    (c.dModel * c.dModel + c.dModel) +
    (c.dModel * c.dMlp + c.dMlp) +
    (c.dMlp * c.dModel + c.dModel);
  return c.vocabSize * c.dModel + c.contextLength * c.dModel + c.layers * perLayer + 2 * c.dModel;
}
