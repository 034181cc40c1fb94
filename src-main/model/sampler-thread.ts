/**
 * The learner's handle on the sampler thread: start it with the policy's weights, push new weights after each update,
 * and open sampling sessions whose calls mirror SamplingSession but run on the other core.
 */
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from './backend';
import type { ModelConfig } from './config';
import type { Tokenizer } from './tokenizer';
import type { SamplerAnswer, SamplerRequest } from './sampler-protocol';
import type { GenerateOptions, Generation } from './session';
import type { Transformer } from './transformer';
import { weightSnapshot } from './weights';

type Pending = { resolve: (answer: SamplerAnswer & { ok: true }) => void; reject: (error: Error) => void };
type Body = SamplerRequest extends infer R ? (R extends SamplerRequest ? Omit<R, 'id'> : never) : never;

export class SamplerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextSession = 1;
  private weightsVersion = 0;
  backend: BackendChoice | undefined;

  private dead: Error | undefined;

  /** `script` is the built sampler-worker.js (tests pass a loader script and the .ts entry as workerData). */
  constructor(script: string | URL, workerData?: unknown) {
    this.worker = new Worker(script, { workerData });
    this.worker.on('message', (answer: SamplerAnswer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (!waiting) return;
      if (answer.ok) waiting.resolve(answer);
      else waiting.reject(new Error(`sampler thread: ${answer.error}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`sampler thread exited with code ${code}`)));
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private call(body: Body): Promise<SamplerAnswer & { ok: true }> {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  async start(model: Transformer): Promise<BackendChoice> {
    return this.startWith(model.config, weightSnapshot(model));
  }

  /** Starts from weights as arrays (a checkpoint read without a model); with its tokenizer, stop strings work. */
  async startWith(config: ModelConfig, weights: Float32Array[], tokenizer?: Tokenizer): Promise<BackendChoice> {
    const answer = await this.call({
      type: 'init',
      config,
      weights,
      ...(tokenizer ? { tokenizer: tokenizer.toJSON() } : {}),
    });
    this.backend = answer.backend;
    return answer.backend!;
  }

  /** Sends the learner's current weights; sessions opened afterwards sample from them (open ones keep theirs). */
  async syncWeights(model: Transformer): Promise<number> {
    this.weightsVersion++;
    await this.call({ type: 'weights', version: this.weightsVersion, weights: weightSnapshot(model) });
    return this.weightsVersion;
  }

  async openSession(batchSize: number) {
    const session = this.nextSession++;
    await this.call({ type: 'open', session, batchSize });
    return {
      extend: async (chunks: (number[] | null)[]) => void (await this.call({ type: 'extend', session, chunks })),
      generate: async (which: number[], options: Omit<GenerateOptions, 'decode'>): Promise<Generation[]> =>
        (await this.call({ type: 'generate', session, which, options })).generations!,
      close: async () => void (await this.call({ type: 'close', session })),
    };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
