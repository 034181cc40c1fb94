/**
 * The sampler thread: its own tensor backend and its own copy of the policy, so rollouts use the second core while
 * the learner trains on the first. It answers the requests of sampler-protocol.ts, in order.
 */
import { parentPort } from 'node:worker_threads';
import { selectBackend } from './backend';
import type { SamplerAnswer, SamplerRequest } from './sampler-protocol';
import { SamplingSession } from './session';
import { Tokenizer } from './tokenizer';
import { Transformer } from './transformer';
import { loadWeights } from './weights';

let model: Transformer | undefined;
/** The checkpoint's tokenizer where one was sent: it decodes for stop strings. */
let tokenizer: Tokenizer | undefined;
const sessions = new Map<number, SamplingSession>();

function requireModel(): Transformer {
  if (!model) throw new Error('the sampler has no model yet (send init first)');
  return model;
}

function requireSession(id: number): SamplingSession {
  const session = sessions.get(id);
  if (!session) throw new Error(`no sampling session ${id}`);
  return session;
}

async function handle(request: SamplerRequest): Promise<SamplerAnswer> {
  switch (request.type) {
    case 'init': {
      const backend = await selectBackend();
      model?.dispose();
      model = Transformer.create(request.config, 0);
      loadWeights(model, request.weights);
      tokenizer = request.tokenizer ? Tokenizer.fromJSON(request.tokenizer) : undefined;
      return { id: request.id, ok: true, backend };
    }
    case 'weights':
      loadWeights(requireModel(), request.weights);
      return { id: request.id, ok: true };
    case 'open':
      sessions.set(request.session, new SamplingSession(requireModel(), request.batchSize));
      return { id: request.id, ok: true };
    case 'extend':
      await requireSession(request.session).extend(request.chunks);
      return { id: request.id, ok: true };
    case 'generate':
      return {
        id: request.id,
        ok: true,
        generations: await requireSession(request.session).generate(request.which, {
          ...request.options,
          ...(tokenizer && request.options.stopStrings?.length ? { decode: (ids) => tokenizer!.decode(ids) } : {}),
        }),
      };
    case 'close':
      sessions.get(request.session)?.dispose();
      sessions.delete(request.session);
      return { id: request.id, ok: true };
  }
}

let queue = Promise.resolve();
parentPort?.on('message', (request: SamplerRequest) => {
  queue = queue.then(async () => {
    let answer: SamplerAnswer;
    try {
      answer = await handle(request);
    } catch (error) {
      answer = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    parentPort?.postMessage(answer);
  });
});
