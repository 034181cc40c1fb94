/**
 * Web search providers, all off until the user configures one in Settings: SearXNG (a URL), Serper or Bing (an API
 * key). Each answers titles and snippets for the search tool to format; errors name the provider and the HTTP status.
 */
import type { SearchProvider } from './search-tool';

export type WebProviderName = 'searxng' | 'serper' | 'bing';

export interface WebSearchConfig {
  provider: WebProviderName;
  /** SearXNG instance URL; for Serper and Bing an override of their API address (tests, proxies). */
  url?: string;
  apiKey?: string;
  timeoutMs?: number;
}

type Hit = { title: string; snippet: string };

async function getJson(url: string, init: RequestInit, provider: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${provider} answered HTTP ${response.status}`);
  return response.json();
}

export function webSearchProvider(config: WebSearchConfig): SearchProvider {
  const timeout = config.timeoutMs ?? 15_000;
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new Error(`${config.provider} search needs ${what} (Settings → Web search)`);
    return value;
  };
  const searchers: Record<WebProviderName, (query: string) => Promise<Hit[]>> = {
    searxng: async (query) => {
      const base = need(config.url, 'the instance URL').replace(/\/$/, '');
      const body = (await getJson(
        `${base}/search?format=json&q=${encodeURIComponent(query)}`,
        {},
        'SearXNG',
        timeout,
      )) as { results?: { title?: string; content?: string }[] };
      return (body.results ?? []).map((r) => ({ title: r.title ?? '', snippet: r.content ?? '' }));
    },
    serper: async (query) => {
      const body = (await getJson(
        config.url ?? 'https://google.serper.dev/search',
        {
          method: 'POST',
          headers: { 'X-API-KEY': need(config.apiKey, 'an API key'), 'content-type': 'application/json' },
          body: JSON.stringify({ q: query }),
        },
        'Serper',
        timeout,
      )) as { organic?: { title?: string; snippet?: string }[] };
      return (body.organic ?? []).map((r) => ({ title: r.title ?? '', snippet: r.snippet ?? '' }));
    },
    bing: async (query) => {
      const base = config.url ?? 'https://api.bing.microsoft.com/v7.0/search';
      const body = (await getJson(
        `${base}?q=${encodeURIComponent(query)}`,
        { headers: { 'Ocp-Apim-Subscription-Key': need(config.apiKey, 'an API key') } },
        'Bing',
        timeout,
      )) as {
        webPages?: { value?: { name?: string; snippet?: string }[] };
      };
      return (body.webPages?.value ?? []).map((r) => ({ title: r.name ?? '', snippet: r.snippet ?? '' }));
    },
  };
  return {
    name: config.provider,
    search: async (query, topK) => (await searchers[config.provider](query)).slice(0, topK),
  };
}
