/**
 * The optional LLM judge: any OpenAI-compatible chat endpoint set in Settings decides whether a prediction means the
 * same as the gold answer, as the authors scored GAIA, HLE, WebWalkerQA, xbench, FRAMES and SimpleQA.
 */
import { chat, type ChatEndpoint } from './chat-client';

export function judgePrompt(question: string, golds: readonly string[], prediction: string): string {
  return (
    `Question: ${question}\nGold answer(s): ${golds.join(' | ')}\nPredicted answer: ${prediction}\n` +
    'Does the predicted answer mean the same as a gold answer? Reply with exactly one word: yes or no.'
  );
}

/** 1 when the judge's reply starts with "yes", else 0; the reason quotes the reply. */
export async function judgeAnswer(
  endpoint: ChatEndpoint,
  question: string,
  golds: readonly string[],
  prediction: string,
): Promise<{ score: number; reason: string }> {
  if (prediction.trim() === '') return { score: 0, reason: 'empty prediction (the judge was not asked)' };
  const reply = await chat(endpoint, [{ role: 'user', content: judgePrompt(question, golds, prediction) }], {
    maxTokens: 4,
    temperature: 0,
  });
  const said = reply.content.trim().slice(0, 200);
  return { score: /^\W*yes\b/i.test(reply.content) ? 1 : 0, reason: `the judge replied "${said}"` };
}
