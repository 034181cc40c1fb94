/**
 * The browse tool: a page from the app's local site bundles (the generated websites of the mini suites), turned into
 * readable text and cut to a window around the paragraph that best matches the goal. Input: `URL` or `URL goal…`.
 * Pages from the web are off unless the user enables them (web-fetch.ts; the app wires it in app/tools.ts).
 */
import type { ToolResult } from '../types';

const MAX_OUTPUT = 3000;

/** A URL as it may appear in an error: never a huge model-written input echoed back. */
export const shortUrl = (url: string) => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

/** Visible text of an HTML page: no scripts, styles or tags; block elements as line breaks. */
export function readableText(html: string): string {
  return html
    .replace(/<(script|style|noscript)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<\/(p|div|h[1-6]|li|tr|section|article|br)>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n+/g, '\n')
    .trim();
}

/** The text, or a window of it centred on the paragraph sharing most words with the goal. */
export function aroundGoal(text: string, goal: string, limit = MAX_OUTPUT): string {
  if (text.length <= limit) return text;
  const words = new Set(
    goal
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2),
  );
  const paragraphs = text.split('\n');
  let bestScore = -1;
  let offset = 0;
  let bestOffset = 0;
  for (const p of paragraphs) {
    const score = p
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => words.has(w)).length;
    if (score > bestScore) {
      bestScore = score;
      bestOffset = offset;
    }
    offset += p.length + 1;
  }
  const start = Math.max(0, Math.min(bestOffset - limit / 3, text.length - limit));
  return `${start > 0 ? '… ' : ''}${text.slice(start, start + limit)}${start + limit < text.length ? ' …' : ''}`;
}

export class BrowseTool {
  /** `pages`: URL → HTML, from the local site bundles; `web`: a fetcher used when a page is not there (off by default). */
  constructor(
    private readonly pages: (url: string) => string | undefined,
    private readonly web?: (url: string) => Promise<string | undefined>,
  ) {}

  async run(input: string): Promise<ToolResult> {
    const started = performance.now();
    const [url = '', ...goal] = input.trim().split(/\s+/);
    const done = (ok: boolean, output: string, error?: string): ToolResult => ({
      ok,
      output,
      error,
      ms: performance.now() - started,
    });
    if (!url) return done(false, 'Error: browse needs a URL', 'empty url');
    let html = this.pages(url);
    if (html === undefined && this.web) {
      try {
        html = await this.web(url);
      } catch (error) {
        return done(
          false,
          `Error: could not fetch ${shortUrl(url)}: ${(error as Error).message}`,
          (error as Error).message,
        );
      }
    }
    if (html === undefined)
      return done(false, `Error: no page at ${shortUrl(url)}${this.web ? '' : ' (web browsing is off)'}`, 'not found');
    return done(true, aroundGoal(readableText(html), goal.join(' ')));
  }
}
