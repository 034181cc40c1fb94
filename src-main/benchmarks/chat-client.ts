/**
 * A minimal client for OpenAI-compatible chat endpoints (vLLM, llama.cpp server, Ollama, `aepo-lab serve`): the
 * external-model evaluator and the optional LLM judge both use it.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatEndpoint {
  /** Base URL up to /v1, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  model: string;
  apiKey?: string;
}

export interface ChatOptions {
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  /** Continue the last (assistant) message instead of starting a new one (vLLM's continue_final_message). */
  continueFinal?: boolean;
  timeoutMs?: number;
}

export interface ChatCompletion {
  content: string;
  finishReason: string;
  /** Which stop string ended it, when the server says. */
  stoppedBy?: string;
}

export async function chat(
  endpoint: ChatEndpoint,
  messages: ChatMessage[],
  options: ChatOptions = {},
): Promise<ChatCompletion> {
  const url = `${endpoint.baseUrl.replace(/\/$/, '')}/chat/completions`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: endpoint.model,
      messages,
      max_tokens: options.maxTokens ?? 512,
      temperature: options.temperature ?? 0,
      stop: options.stop,
      ...(options.continueFinal ? { continue_final_message: true, add_generation_prompt: false } : {}),
    }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).catch((error: Error) => {
    // fetch says only "fetch failed": name the URL and the cause (refused, unknown host, timed out).
    const cause = (error.cause as { code?: string; message?: string } | undefined) ?? {};
    throw new Error(`cannot reach the chat endpoint ${url}: ${cause.code ?? cause.message ?? error.message}`);
  });
  const body = (await response.json().catch(() => null)) as {
    choices?: { message?: { content?: string }; finish_reason?: string; stop_reason?: string }[];
    error?: { message?: string };
  } | null;
  if (!response.ok)
    throw new Error(`chat endpoint ${url} answered ${response.status}: ${body?.error?.message ?? 'no details'}`);
  const choice = body?.choices?.[0];
  if (typeof choice?.message?.content !== 'string')
    throw new Error('chat endpoint answered without choices[0].message.content');
  return {
    content: choice.message.content,
    finishReason: choice.finish_reason ?? 'stop',
    stoppedBy: choice.stop_reason,
  };
}
