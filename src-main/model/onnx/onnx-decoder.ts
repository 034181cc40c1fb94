/**
 * The KV-cache decoder (decoder.ts's job) on ONNX Runtime, with decode-graph.ts. The weights are copied once, when
 * the decoder is made (a sampling session samples from the weights it started with); each sequence's cache is a
 * slice of per-layer arrays the graph reads in place.
 */
import type * as Ort from 'onnxruntime-node';
import { headDim, type ModelConfig } from '../config';
import type { DecodeRow } from '../decoder';
import type { Transformer } from '../transformer';
import { DecodeSessions } from './decode-sessions';
import { weightInputs } from './forward-graph';
import { runSession } from './runs-in-flight';

const MASKED = -1e9;

interface StepBuffers {
  ids: BigInt64Array;
  positions: BigInt64Array;
  mask: Float32Array;
  chosen: BigInt64Array;
  inputs: Record<string, Ort.Tensor>;
  /** Output tensors for the runtime to write into (one-row steps only). */
  outputs?: Record<string, Ort.Tensor>;
}

export class OnnxDecoder {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  private readonly fixedFeeds: Record<string, Ort.Tensor>;
  private single: StepBuffers | undefined;

  private constructor(
    private readonly ort: typeof Ort,
    /** Made by the first step that needs it (decode-sessions.ts). */
    private readonly session: Promise<Ort.InferenceSession>,
    private readonly config: ModelConfig,
    private readonly batch: number,
    weights: Record<string, Ort.Tensor>,
    /** Sessions only this decoder uses, released with it (none when decoders of one model shape share them). */
    private readonly owned: DecodeSessions | null,
  ) {
    const dh = headDim(config);
    const size = batch * config.heads * config.contextLength * dh;
    this.keys = Array.from({ length: config.layers }, () => new Float32Array(size));
    this.values = Array.from({ length: config.layers }, () => new Float32Array(size));
    // The graph reads the cache arrays in place on every call: their tensors are made once.
    const cacheShape = [batch, config.heads, config.contextLength, dh];
    this.fixedFeeds = { ...weights };
    for (let l = 0; l < config.layers; l++) {
      this.fixedFeeds[`past_k_${l}`] = new ort.Tensor('float32', this.keys[l]!, cacheShape);
      this.fixedFeeds[`past_v_${l}`] = new ort.Tensor('float32', this.values[l]!, cacheShape);
    }
  }

  /**
   * The per-call inputs for T new rows a sequence, cleared. Steps of one row each (all of sampling but prompts and
   * tool results) reuse one set, outputs included, which ONNX Runtime writes into: no allocation per token.
   */
  private buffers(T: number): StepBuffers {
    if (T === 1 && this.single) {
      const { ids, positions, mask, chosen } = this.single;
      ids.fill(0n);
      positions.fill(0n);
      mask.fill(MASKED);
      chosen.fill(0n);
      return this.single;
    }
    const { Tensor } = this.ort;
    const { contextLength: C, heads: H, vocabSize: V } = this.config;
    const S = this.batch;
    const made: StepBuffers = {
      ids: new BigInt64Array(S * T),
      positions: new BigInt64Array(S * T),
      mask: new Float32Array(S * T * (C + T)).fill(MASKED),
      chosen: new BigInt64Array(S),
      inputs: {},
    };
    made.inputs = {
      ids: new Tensor('int64', made.ids, [S, T]),
      positions: new Tensor('int64', made.positions, [S, T]),
      mask: new Tensor('float32', made.mask, [S, 1, T, C + T]),
      rows: new Tensor('int64', made.chosen, [S]),
    };
    if (T > 1) return made;
    const dh = headDim(this.config);
    made.outputs = { logits: new Tensor('float32', new Float32Array(S * V), [S, V]) };
    for (let l = 0; l < this.config.layers; l++)
      for (const kind of ['k', 'v'])
        made.outputs[`new_${kind}_${l}`] = new Tensor('float32', new Float32Array(S * H * dh), [S, H, 1, dh]);
    this.single = made;
    return made;
  }

  /** A decoder on sessions of its own, released with it; `threads` is the most it uses. */
  static async create(model: Transformer, batch: number, threads: number, provider = 'cpu'): Promise<OnnxDecoder> {
    const sessions = await DecodeSessions.open(model.config, threads, provider);
    return OnnxDecoder.on(sessions, model, batch, true);
  }

  /** A decoder on shared sessions, with a copy of the model's current weights. */
  static on(sessions: DecodeSessions, model: Transformer, batch: number, ownsSessions = false): OnnxDecoder {
    const variables = model.variables();
    const weights = Object.fromEntries(
      weightInputs(model.config).map((input, i) => [
        input.name,
        new sessions.ort.Tensor('float32', Float32Array.from(variables[i]!.dataSync() as Float32Array), input.shape),
      ]),
    );
    const session = sessions.forBatch(batch);
    return new OnnxDecoder(sessions.ort, session, model.config, batch, weights, ownsSessions ? sessions : null);
  }

  /**
   * Runs the rows (a sequence's rows in position order, after its cached ones), stores their keys and values, and
   * answers the logits [V] after each row listed in `logitsFor` (at most one per sequence).
   */
  async step(rows: readonly DecodeRow[], logitsFor: readonly number[]): Promise<Float32Array[]> {
    const { contextLength: C, heads: H, vocabSize: V } = this.config;
    const dh = headDim(this.config);
    const S = this.batch;
    const bySequence = Array.from({ length: S }, () => [] as number[]);
    rows.forEach((row, r) => {
      if (row.position >= C) throw new Error(`position ${row.position} is past the context of ${C} tokens`);
      bySequence[row.sequence]!.push(r);
    });
    const T = Math.max(1, ...bySequence.map((r) => r.length));
    const { ids, positions, mask, chosen, inputs, outputs } = this.buffers(T);
    bySequence.forEach((own, s) => {
      const cached = own.length > 0 ? rows[own[0]!]!.position : 0;
      own.forEach((r, t) => {
        ids[s * T + t] = BigInt(rows[r]!.token);
        positions[s * T + t] = BigInt(rows[r]!.position);
        const at = (s * T + t) * (C + T);
        mask.fill(0, at, at + cached); // the sequence's cached positions
        mask.fill(0, at + C, at + C + t + 1); // its new rows up to this one
      });
    });
    const asked = new Set<number>();
    for (const r of logitsFor) {
      const s = rows[r]!.sequence;
      if (asked.has(s)) throw new Error(`logits of two rows of sequence ${s} in one step`);
      asked.add(s);
      chosen[s] = BigInt(s * T + bySequence[s]!.indexOf(r));
    }
    const feeds = { ...this.fixedFeeds, ...inputs };
    const out = await runSession(await this.session, feeds, outputs);
    // The new rows' keys and values into their sequences' caches, at their positions.
    for (let l = 0; l < this.config.layers; l++)
      for (const [kind, cache] of [
        ['k', this.keys[l]!],
        ['v', this.values[l]!],
      ] as const) {
        const fresh = out[`new_${kind}_${l}`]!.data as Float32Array;
        bySequence.forEach((own, s) =>
          own.forEach((r, t) => {
            const position = rows[r]!.position;
            for (let h = 0; h < H; h++) {
              const from = ((s * H + h) * T + t) * dh;
              cache.set(fresh.subarray(from, from + dh), ((s * H + h) * C + position) * dh);
            }
          }),
        );
      }
    const logits = out.logits!.data as Float32Array;
    return logitsFor.map((r) => {
      const s = rows[r]!.sequence;
      return logits.slice(s * V, (s + 1) * V);
    });
  }

  /** Sequence `target` gets `source`'s first `length` cached positions (a branch of a rollout tree). */
  copyCache(source: number, target: number, length: number): void {
    const { contextLength: C, heads: H } = this.config;
    const dh = headDim(this.config);
    for (const cache of [...this.keys, ...this.values])
      for (let h = 0; h < H; h++) {
        const from = (source * H + h) * C * dh;
        cache.copyWithin((target * H + h) * C * dh, from, from + length * dh);
      }
  }

  async dispose(): Promise<void> {
    await this.owned?.release();
  }
}
