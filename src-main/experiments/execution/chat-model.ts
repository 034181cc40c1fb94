/**
 * A checkpoint behind an OpenAI-compatible `/v1/chat/completions` (serve mode's `--checkpoint`), so any evaluator
 * that speaks that protocol (ours included) can test it. The weights go to the sampler thread
 * (model/sampler-worker.ts), which samples every request: the server's event loop only tokenises and answers.
 * Messages become one prompt in the agent format; with `continue_final_message` the last assistant message is
 * continued rather than answered.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { readCheckpointWeights } from '../../model/checkpoint';
import { SamplerThread } from '../../model/sampler-thread';

/** Longest message accepted, in characters: far beyond any policy's context, short of what slows tokenising. */
export const MAX_MESSAGE_CHARS = 64_000;

export const chatRequest = z.object({
  model: z.string().optional(),
  // Bounded: the prompt is tokenised on the server, and a huge one only fails later and worse.
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(MAX_MESSAGE_CHARS) }))
    .min(1)
    .max(256),
  max_tokens: z.number().int().min(1).max(8192).optional(),
  temperature: z.number().min(0).max(2).optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  continue_final_message: z.boolean().optional(),
  seed: z.number().int().optional(),
});

export type ChatRequest = z.infer<typeof chatRequest>;

export interface ChatModel {
  /** The model's id in `/v1/models`: the checkpoint's file name. */
  name: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
  close(): Promise<void>;
}

export type ChatCompletion = Awaited<ReturnType<typeof complete>>;

/**
 * Loads the checkpoint and starts its sampler thread. `samplerScript` is the built sampler-worker.js (tests pass a
 * loader script and the .ts entry as `workerData`).
 */
export async function openChatModel(
  file: string,
  samplerScript: string | URL,
  workerData?: unknown,
): Promise<ChatModel> {
  const { config, tokenizer, weights } = readCheckpointWeights(file);
  const sampler = new SamplerThread(samplerScript, workerData);
  try {
    await sampler.startWith(config, weights, tokenizer);
  } catch (error) {
    await sampler.stop();
    throw error;
  }
  const model = { name: basename(file), contextLength: config.contextLength, tokenizer, sampler };
  // One request at a time: the thread samples them in turn anyway, and its sessions stay small.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    name: model.name,
    complete: (request) => {
      const answer = queue.then(() => complete(model, request));
      queue = answer.catch(() => undefined);
      return answer;
    },
    close: () => sampler.stop(),
  };
}

/** The prompt the policy was trained on: system text, then "Question: …", then what the assistant wrote so far. */
function promptOf(messages: ChatRequest['messages'], continueFinal: boolean): string {
  const last = messages.at(-1)!;
  const context = continueFinal && last.role === 'assistant' ? messages.slice(0, -1) : messages;
  const text = context
    .map((m) => (m.role === 'user' ? `Question: ${m.content}\n` : m.role === 'system' ? `${m.content}\n` : m.content))
    .join('');
  return continueFinal && last.role === 'assistant' ? text + last.content : text;
}

async function complete(
  model: {
    name: string;
    contextLength: number;
    tokenizer: ReturnType<typeof readCheckpointWeights>['tokenizer'];
    sampler: SamplerThread;
  },
  request: ChatRequest,
) {
  const { tokenizer, sampler } = model;
  const stops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  const prompt = tokenizer.encode(promptOf(request.messages, request.continue_final_message ?? false));
  const room = model.contextLength - prompt.length;
  if (room < 1) throw new Error(`the prompt is ${prompt.length} tokens, the model's context ${model.contextLength}`);
  const eos = tokenizer.idOf('<eos>');
  const session = await sampler.openSession(1);
  try {
    await session.extend([prompt]);
    // Stop strings are matched on the thread, which decodes with the checkpoint's tokenizer.
    const [generation] = await session.generate([0], {
      maxTokens: Math.min(request.max_tokens ?? 256, room),
      temperature: request.temperature ?? 1,
      seed: request.seed ?? 0,
      stopIds: [eos],
      stopStrings: stops,
    });
    const text = tokenizer.decode(generation!.tokens.map((t) => t.id).filter((id) => id !== eos));
    // As OpenAI and vLLM do: the matched stop string is left out of the content and reported as stop_reason.
    const stoppedBy = stops.find((s) => text.endsWith(s));
    const content = stoppedBy ? text.slice(0, -stoppedBy.length) : text;
    return {
      id: `chatcmpl-${Date.now().toString(36)}`,
      object: 'chat.completion' as const,
      created: Math.floor(Date.now() / 1000),
      model: model.name,
      choices: [
        {
          index: 0,
          message: { role: 'assistant' as const, content },
          finish_reason: generation!.reason === 'length' || generation!.reason === 'context' ? 'length' : 'stop',
          stop_reason: stoppedBy ?? null,
        },
      ],
      usage: {
        prompt_tokens: prompt.length,
        completion_tokens: generation!.tokens.length,
        total_tokens: prompt.length + generation!.tokens.length,
      },
    };
  } finally {
    await session.close();
  }
}
