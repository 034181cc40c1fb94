/**
 * The search tool: a persistent cache first (the authors shipped one; `aepo-lab tool-cache import` loads it), then a
 * local full-text index (MiniSearch, BM25+ ranking) over the app's own corpora. Results are formatted like the
 * authors' tool: up to 10 "Page i: …" lines, each snippet at most 1,000 characters. Web providers plug in behind the
 * same interface once the user configures one (none is on by default).
 */
import MiniSearch from 'minisearch';
import type { ToolResult } from '../types';

export interface SearchDocument {
  id: string;
  title: string;
  text: string;
}

/** Key-value store for results (the tool_cache table, wired in by the app). */
export interface SearchCache {
  get(query: string): string | undefined;
  set(query: string, result: string): void;
}

export interface SearchProvider {
  name: string;
  search(query: string, topK: number): Promise<{ title: string; snippet: string }[]>;
}

const MAX_QUERY = 500;
const MAX_SNIPPET = 1000;
export const TOP_K = 10;

export class LocalIndex implements SearchProvider {
  readonly name = 'local';
  private readonly index = new MiniSearch<SearchDocument>({
    fields: ['title', 'text'],
    storeFields: ['title', 'text'],
    searchOptions: { boost: { title: 2 } },
  });

  constructor(documents: SearchDocument[] = []) {
    this.index.addAll(documents);
  }

  async search(query: string, topK: number) {
    return this.searchSync(query, topK);
  }

  /**
   * Documents holding every query word first; only when none does, any word. Exact words: prefix and fuzzy matching
   * flooded multi-hop questions with look-alike names (generated names share syllables), pushing the right page out.
   */
  searchSync(query: string, topK: number): { title: string; snippet: string }[] {
    const all = this.index.search(query, { combineWith: 'AND' });
    const hits = all.length > 0 ? all : this.index.search(query);
    return hits.slice(0, topK).map((hit) => ({ title: String(hit.title), snippet: String(hit.text) }));
  }
}

/** "Page 1: …" lines as the authors' tool writes them. */
export function formatResults(results: { title: string; snippet: string }[]): string {
  if (results.length === 0) return 'No results.';
  return results
    .slice(0, TOP_K)
    .map((r, i) => `Page ${i + 1}: ${`${r.title ? `${r.title}: ` : ''}${r.snippet}`.slice(0, MAX_SNIPPET)}`)
    .join('\n');
}

export class SearchTool {
  constructor(
    private readonly providers: SearchProvider[],
    private readonly cache?: SearchCache,
  ) {}

  async run(input: string): Promise<ToolResult> {
    const started = performance.now();
    const query = input.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
    const done = (ok: boolean, output: string, error?: string): ToolResult => ({
      ok,
      output,
      error,
      ms: performance.now() - started,
    });
    if (!query) return done(false, 'Error: empty search query', 'empty query');
    const cached = this.cache?.get(query);
    if (cached !== undefined) return done(true, cached);
    for (const provider of this.providers) {
      try {
        const results = await provider.search(query, TOP_K);
        if (results.length === 0) continue;
        const output = formatResults(results);
        this.cache?.set(query, output);
        return done(true, output);
      } catch (error) {
        return done(
          false,
          `Error: search provider ${provider.name} failed: ${(error as Error).message}`,
          (error as Error).message,
        );
      }
    }
    return done(true, 'No results.');
  }
}
