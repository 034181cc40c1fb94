/**
 * The KV-cache decoder (decoder.ts's job) on ONNX Runtime, with decode-graph.ts. The weights are copied once, when
 * the decoder is made (a sampling session samples from the weights it started with); each sequence's cache is a
 * slice of per-layer arrays the graph reads in place.
 */
import type * as Ort from 'onnxruntime-node';
import { headDim, type ModelConfig } from '../config';
import type { DecodeRow } from '../decoder';
import type { Transformer } from '../transformer';
import { decodeModelBytes } from './decode-graph';
import { weightInputs } from './forward-graph';
import { runSession } from './runs-in-flight';
import { sessionOptions } from './session-options';

const MASKED = -1e9;

export interface DecodeGraph {
  ort: typeof Ort;
  session: Ort.InferenceSession;
  config: ModelConfig;
}

export class OnnxDecoder {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly config: ModelConfig,
    private readonly batch: number,
    private readonly weights: Record<string, Ort.Tensor>,
    /** Whether dispose() releases the session (false when sessions of one model shape share it). */
    private readonly ownsSession: boolean,
  ) {
    const size = batch * config.heads * config.contextLength * headDim(config);
    this.keys = Array.from({ length: config.layers }, () => new Float32Array(size));
    this.values = Array.from({ length: config.layers }, () => new Float32Array(size));
  }

  /** The decode graph's session for one model shape, to share between decoders (building one takes 50–130 ms). */
  static async graph(config: ModelConfig, threads: number): Promise<DecodeGraph> {
    const ort = (await import('onnxruntime-node')) as typeof Ort;
    const session = await ort.InferenceSession.create(
      decodeModelBytes(config),
      sessionOptions(threads, { spin: true }),
    );
    return { ort, session, config };
  }

  static async create(model: Transformer, batch: number, threads: number): Promise<OnnxDecoder> {
    const graph = await OnnxDecoder.graph(model.config, threads);
    return OnnxDecoder.on(graph, model, batch, true);
  }

  /** A decoder on a shared graph, with a copy of the model's current weights. */
  static on(graph: DecodeGraph, model: Transformer, batch: number, ownsSession = false): OnnxDecoder {
    const variables = model.variables();
    const weights = Object.fromEntries(
      weightInputs(model.config).map((input, i) => [
        input.name,
        new graph.ort.Tensor('float32', Float32Array.from(variables[i]!.dataSync() as Float32Array), input.shape),
      ]),
    );
    return new OnnxDecoder(graph.ort, graph.session, model.config, batch, weights, ownsSession);
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
    const ids = new BigInt64Array(S * T);
    const positions = new BigInt64Array(S * T);
    const mask = new Float32Array(S * T * (C + T)).fill(MASKED);
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
    const chosen = new BigInt64Array(S);
    const asked = new Set<number>();
    for (const r of logitsFor) {
      const s = rows[r]!.sequence;
      if (asked.has(s)) throw new Error(`logits of two rows of sequence ${s} in one step`);
      asked.add(s);
      chosen[s] = BigInt(s * T + bySequence[s]!.indexOf(r));
    }
    const { Tensor } = this.ort;
    const feeds: Record<string, Ort.Tensor> = {
      ...this.weights,
      ids: new Tensor('int64', ids, [S, T]),
      positions: new Tensor('int64', positions, [S, T]),
      mask: new Tensor('float32', mask, [S, 1, T, C + T]),
      rows: new Tensor('int64', chosen, [S]),
    };
    for (let l = 0; l < this.config.layers; l++) {
      feeds[`past_k_${l}`] = new Tensor('float32', this.keys[l]!, [S, H, C, dh]);
      feeds[`past_v_${l}`] = new Tensor('float32', this.values[l]!, [S, H, C, dh]);
    }
    const out = await runSession(this.session, feeds);
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
    if (this.ownsSession) await this.session.release();
  }
}
