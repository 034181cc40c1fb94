/**
 * A batch of sequences being written with a per-layer KV cache. The rollout engine appends a prompt, samples until a
 * closing tool tag, appends the tool's result (without recomputing the prefix), and samples again.
 *
 * Sequences share one cache time axis; a sequence that sits out a chunk (another sequence's tool result, or a step
 * after it stopped) gets masked padding slots there.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng';
import { pickToken, type PickedToken, type SamplingParams } from './sampling';
import { disposeCache, emptyCache, type ForwardOutput, type KvCache, type Transformer } from './transformer';

export interface GenerateOptions extends SamplingParams {
  /** New tokens at most, per sequence, in this call. */
  maxTokens: number;
  /** Generation stops after any of these ids (closing tool tags, EOS); the stop token is kept. */
  stopIds?: readonly number[];
  /** Seed of this call's draws; the same seed, prompt and model give the same tokens. */
  seed?: number;
}

export interface Generation {
  tokens: PickedToken[];
  /** `stop`: a stop id was generated; `length`: maxTokens; `context`: the context window is full. */
  reason: 'stop' | 'length' | 'context';
}

export class SamplingSession {
  private cache: KvCache;
  private readonly sequences: number[][];
  /** Logits for the next token of each sequence, from the last chunk that included it. */
  private readonly nextLogits: (Float32Array | null)[];

  constructor(
    private readonly model: Transformer,
    readonly batchSize: number,
  ) {
    this.cache = emptyCache(model, batchSize);
    this.sequences = Array.from({ length: batchSize }, () => []);
    this.nextLogits = Array.from({ length: batchSize }, () => null);
  }

  /** Tokens of sequence i so far (prompt, generated text and appended results). */
  tokens(i: number): readonly number[] {
    return this.sequences[i]!;
  }

  /** Cache slots in use (real and padding), for memory accounting. */
  get slots(): number {
    return this.cache.slotValid[0]?.length ?? 0;
  }

  /** Appends tokens to some sequences (null or [] leaves one as it is) in one forward pass over the new tokens only. */
  extend(chunks: readonly (readonly number[] | null)[]): void {
    if (chunks.length !== this.batchSize) throw new Error(`extend takes ${this.batchSize} chunks, got ${chunks.length}`);
    const length = Math.max(0, ...chunks.map((c) => c?.length ?? 0));
    if (length === 0) return;
    const context = this.model.config.contextLength;
    chunks.forEach((chunk, i) => {
      const total = this.sequences[i]!.length + (chunk?.length ?? 0);
      if (total > context) throw new Error(`sequence ${i} would hold ${total} tokens, over the context of ${context}`);
    });
    const ids = chunks.map((c) => Array.from({ length }, (_, j) => c?.[j] ?? 0));
    const valid = chunks.map((c) => Array.from({ length }, (_, j) => j < (c?.length ?? 0)));
    const positions = chunks.map((c, i) => Array.from({ length }, (_, j) => (j < (c?.length ?? 0) ? this.sequences[i]!.length + j : 0)));
    // tidy keeps what the forward returns (logits and the new cache) and frees everything else.
    const { logits, cache } = tf.tidy(
      () => this.model.forward({ ids, positions, valid, cache: this.cache, logitsAt: 'last' }) as unknown as tf.TensorContainer,
    ) as unknown as ForwardOutput;
    const rows = logits.dataSync() as Float32Array;
    logits.dispose();
    disposeCache(this.cache);
    this.cache = cache!;
    const vocab = this.model.config.vocabSize;
    chunks.forEach((chunk, i) => {
      if (!chunk?.length) return;
      this.sequences[i]!.push(...chunk);
      this.nextLogits[i] = rows.slice(i * vocab, (i + 1) * vocab);
    });
  }

  /** Samples for the listed sequences until each stops; all of them advance together, one forward per step. */
  generate(which: readonly number[], options: GenerateOptions): Generation[] {
    const rng = new Rng(options.seed ?? 0);
    const stopIds = new Set(options.stopIds ?? []);
    const context = this.model.config.contextLength;
    const results = which.map(() => ({ tokens: [] as PickedToken[], reason: 'length' as Generation['reason'] }));
    let active = which.map((_, k) => k);
    for (const k of active) {
      if (!this.nextLogits[which[k]!]) throw new Error(`sequence ${which[k]} has no prompt yet; extend it first`);
    }
    while (active.length > 0) {
      const chunks: (number[] | null)[] = Array.from({ length: this.batchSize }, () => null);
      const still: number[] = [];
      for (const k of active) {
        const i = which[k]!;
        const picked = pickToken(this.nextLogits[i]!, options, rng);
        results[k]!.tokens.push(picked);
        const full = this.sequences[i]!.length + 1 >= context;
        if (stopIds.has(picked.id)) results[k]!.reason = 'stop';
        else if (full) results[k]!.reason = 'context';
        else if (results[k]!.tokens.length < options.maxTokens) still.push(k);
        // The sampled token joins the cache so that what comes next (a tool result) attends to it.
        if (this.sequences[i]!.length < context) chunks[i] = [picked.id];
        else results[k]!.reason = 'context';
      }
      this.extend(chunks);
      active = still;
    }
    return results;
  }

  dispose(): void {
    disposeCache(this.cache);
  }
}
