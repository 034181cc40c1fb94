/**
 * The decode graph's sessions for one model shape, one per intra-op thread count, made when a batch first needs one
 * (50–130 ms each) and shared by every decoder of that shape.
 *
 * A small batch decodes on fewer threads: a one-row step at batch 16 is a few hundred tiny kernels, and splitting
 * each over two threads costs more in hand-offs than it gains, most of all when another process holds a core and
 * the second thread waits to be scheduled. On 2 cores (docs/engine.md, "On a busy machine"), batch 16 sampled 14–18k
 * tokens/s on one thread against 12–14k on two, quiet, and 11–16k against 8–12k beside two CPU-bound processes; from
 * batch 32 two threads win in both (16–17k against 13k under load). Hence one thread per 16 sequences, up to the run's.
 */
import type * as Ort from 'onnxruntime-node';
import type { ModelConfig } from '../config';
import { decodeModelBytes } from './decode-graph';
import { sessionOptions } from './session-options';

/** Sequences a decode thread needs before a second one pays for itself (see above). */
const SEQUENCES_PER_THREAD = 16;

/** Intra-op threads for a decoder of `batch` sequences, given the run's `threads`. */
export function decoderThreads(batch: number, threads: number): number {
  return Math.max(1, Math.min(threads, Math.floor(batch / SEQUENCES_PER_THREAD)));
}

export class DecodeSessions {
  private readonly byThreads = new Map<number, Promise<Ort.InferenceSession>>();

  private constructor(
    readonly ort: typeof Ort,
    readonly config: ModelConfig,
    private readonly threads: number,
    private readonly provider: string,
  ) {}

  /** `provider` is the trainer's (the CPU, CUDA, WebGPU, ...); `threads` the most any one session gets. */
  static async open(config: ModelConfig, threads: number, provider = 'cpu'): Promise<DecodeSessions> {
    const ort = (await import('onnxruntime-node')) as typeof Ort;
    return new DecodeSessions(ort, config, threads, provider);
  }

  /** The session a decoder of `batch` sequences runs on. Thread counts matter on the CPU provider only. */
  forBatch(batch: number): Promise<Ort.InferenceSession> {
    const threads = this.provider === 'cpu' ? decoderThreads(batch, this.threads) : this.threads;
    let session = this.byThreads.get(threads);
    if (!session) {
      session = this.ort.InferenceSession.create(
        decodeModelBytes(this.config),
        sessionOptions(threads, { provider: this.provider }),
      );
      // Handled here so a session no decoder ever stepped on cannot fail the process; a step still sees the error.
      session.catch(() => undefined);
      this.byThreads.set(threads, session);
    }
    return session;
  }

  async release(): Promise<void> {
    const sessions = [...this.byThreads.values()];
    this.byThreads.clear();
    for (const session of await Promise.allSettled(sessions))
      if (session.status === 'fulfilled') await session.value.release();
  }
}
