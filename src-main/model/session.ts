/**
 * A batch of sequences being written with a KV cache. The rollout engine appends a prompt, samples until a closing
 * tool tag, appends the tool's result (without recomputing the prefix), and samples again.
 */
import { Decoder, type DecodeRow } from './decoder';
import type { StepDecoder } from './sampling-rate';
import { Rng } from './rng';
import { pickToken, type PickedToken, type SamplingParams } from './sampling';
import type { Transformer } from './transformer';

export interface GenerateOptions extends SamplingParams {
  /** New tokens at most, per sequence, in this call. */
  maxTokens: number;
  /** Generation stops after any of these ids (closing tool tags, EOS); the stop token is kept. */
  stopIds?: readonly number[];
  /** Generation also stops once this call's text ends with one of these strings (needs `decode`). */
  stopStrings?: readonly string[];
  /** Token ids → text, for stopStrings (the tokenizer's decode). */
  decode?: (ids: number[]) => string;
  /** Seed of this call's draws; the same seed, prompt and model give the same tokens. */
  seed?: number;
}

export interface Generation {
  tokens: PickedToken[];
  /** `stop`: a stop id or string was generated; `length`: maxTokens; `context`: the context window is full. */
  reason: 'stop' | 'length' | 'context';
}

/** What a session samples with: the tfjs decoder (decoder.ts) or ONNX Runtime's (onnx/onnx-decoder.ts). */
export interface SessionDecoder extends StepDecoder {
  copyCache(source: number, target: number, length: number): void;
  dispose(): void | Promise<void>;
}

export class SamplingSession {
  private readonly decoder: SessionDecoder;
  private readonly sequences: number[][];
  /** Logits for the next token of each sequence, from the last step that included it. */
  private readonly nextLogits: (Float32Array | null)[];

  constructor(
    private readonly model: Transformer,
    readonly batchSize: number,
    /** Default: the tfjs decoder on the model's current weights. */
    decoder?: SessionDecoder,
  ) {
    this.decoder = decoder ?? new Decoder(model, batchSize);
    this.sequences = Array.from({ length: batchSize }, () => []);
    this.nextLogits = Array.from({ length: batchSize }, () => null);
  }

  /** Tokens of sequence i so far (prompt, generated text and appended results). */
  tokens(i: number): readonly number[] {
    return this.sequences[i]!;
  }

  /**
   * Makes sequence `target` a copy of `source` (its tokens, its cache and its next-token distribution), so the two
   * continue independently from here: a branch of a rollout tree. `target` must be empty.
   */
  fork(source: number, target: number): void {
    if (this.sequences[target]!.length > 0) throw new Error(`sequence ${target} is in use; fork into an empty one`);
    const tokens = this.sequences[source]!;
    this.decoder.copyCache(source, target, tokens.length);
    this.sequences[target] = [...tokens];
    this.nextLogits[target] = this.nextLogits[source] ?? null;
  }

  /** Appends tokens to some sequences (null or [] leaves one as it is); only the new tokens are computed. */
  async extend(chunks: readonly (readonly number[] | null)[]): Promise<void> {
    if (chunks.length !== this.batchSize)
      throw new Error(`extend takes ${this.batchSize} chunks, got ${chunks.length}`);
    const context = this.model.config.contextLength;
    const rows: DecodeRow[] = [];
    const lastRow: [number, number][] = [];
    chunks.forEach((chunk, i) => {
      if (!chunk?.length) return;
      const start = this.sequences[i]!.length;
      if (start + chunk.length > context)
        throw new Error(`sequence ${i} would hold ${start + chunk.length} tokens, over the context of ${context}`);
      chunk.forEach((token, j) => rows.push({ sequence: i, token, position: start + j }));
      lastRow.push([i, rows.length - 1]);
    });
    if (rows.length === 0) return;
    const logits = await this.decoder.step(
      rows,
      lastRow.map(([, r]) => r),
    );
    lastRow.forEach(([i], k) => {
      this.sequences[i]!.push(...chunks[i]!);
      this.nextLogits[i] = logits[k]!;
    });
  }

  /** Samples for the listed sequences until each stops; all of them advance together, one step per token. */
  async generate(which: readonly number[], options: GenerateOptions): Promise<Generation[]> {
    const rng = new Rng(options.seed ?? 0);
    const stopIds = new Set(options.stopIds ?? []);
    const stopStrings = options.stopStrings ?? [];
    if (stopStrings.length > 0 && !options.decode) throw new Error('stopStrings need a decode function');
    const endsWithStop = (tokens: PickedToken[]) => {
      if (stopStrings.length === 0) return false;
      const text = options.decode!(tokens.map((t) => t.id));
      return stopStrings.some((stop) => text.endsWith(stop));
    };
    const context = this.model.config.contextLength;
    const results = which.map(() => ({ tokens: [] as PickedToken[], reason: 'length' as Generation['reason'] }));
    for (const i of which) if (!this.nextLogits[i]) throw new Error(`sequence ${i} has no prompt yet; extend it first`);
    let active = which.map((_, k) => k);
    while (active.length > 0) {
      const chunks: (number[] | null)[] = Array.from({ length: this.batchSize }, () => null);
      const still: number[] = [];
      for (const k of active) {
        const i = which[k]!;
        const picked = pickToken(this.nextLogits[i]!, options, rng);
        results[k]!.tokens.push(picked);
        const length = this.sequences[i]!.length;
        if (stopIds.has(picked.id) || endsWithStop(results[k]!.tokens)) results[k]!.reason = 'stop';
        else if (length + 1 >= context) results[k]!.reason = 'context';
        else if (results[k]!.tokens.length < options.maxTokens) still.push(k);
        // The sampled token joins the cache so that what comes next (a tool result) attends to it.
        if (length < context) chunks[i] = [picked.id];
        else results[k]!.reason = 'context';
      }
      await this.extend(chunks);
      active = still;
    }
    return results;
  }

  dispose(): void {
    void this.decoder.dispose();
  }
}
