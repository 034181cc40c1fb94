/**
 * An OpenAI-compatible `/v1/chat/completions` for the embedded policy, so any evaluator that speaks that protocol
 * (ours included) can test a checkpoint. Messages become one prompt in the agent format; with
 * `continue_final_message` the last assistant message is continued rather than answered.
 */
import { z } from 'zod';
import { SamplingSession } from '../model/session';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';

/** Longest message accepted, in characters: far beyond any policy's context, short of what slows tokenising. */
export const MAX_MESSAGE_CHARS = 64_000;

export const chatRequest = z.object({
  model: z.string().optional(),
  // Bounded: the prompt is tokenised and sampled on this process, and a huge one only fails later and worse.
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

export interface EmbeddedPolicy {
  model: Transformer;
  tokenizer: Tokenizer;
  name: string;
}

/** The prompt the policy was trained on: system text, then "Question: …", then what the assistant wrote so far. */
function promptOf(messages: z.infer<typeof chatRequest>['messages'], continueFinal: boolean): string {
  const last = messages.at(-1)!;
  const context = continueFinal && last.role === 'assistant' ? messages.slice(0, -1) : messages;
  const text = context
    .map((m) => (m.role === 'user' ? `Question: ${m.content}\n` : m.role === 'system' ? `${m.content}\n` : m.content))
    .join('');
  return continueFinal && last.role === 'assistant' ? text + last.content : text;
}

export async function completeChat(policy: EmbeddedPolicy, request: z.infer<typeof chatRequest>) {
  const { model, tokenizer } = policy;
  const stops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  const prompt = tokenizer.encode(promptOf(request.messages, request.continue_final_message ?? false));
  const room = model.config.contextLength - prompt.length;
  if (room < 1)
    throw new Error(`the prompt is ${prompt.length} tokens, the model's context ${model.config.contextLength}`);
  const session = new SamplingSession(model, 1);
  try {
    await session.extend([prompt]);
    const [generation] = await session.generate([0], {
      maxTokens: Math.min(request.max_tokens ?? 256, room),
      temperature: request.temperature ?? 1,
      seed: request.seed ?? 0,
      stopIds: [tokenizer.idOf('<eos>')],
      stopStrings: stops,
      decode: (ids) => tokenizer.decode(ids),
    });
    const ids = generation!.tokens.map((t) => t.id).filter((id) => id !== tokenizer.idOf('<eos>'));
    const text = tokenizer.decode(ids);
    // As OpenAI and vLLM do: the matched stop string is left out of the content and reported as stop_reason.
    const stoppedBy = stops.find((s) => text.endsWith(s));
    const content = stoppedBy ? text.slice(0, -stoppedBy.length) : text;
    return {
      id: `chatcmpl-${Date.now().toString(36)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: policy.name,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
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
    session.dispose();
  }
}
