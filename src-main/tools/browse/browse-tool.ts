/**
 * The browse tool: a page from the app's local site bundles (the generated websites of the mini suites), turned into
 * readable text and cut to a window around the paragraph that best matches the goal. Input: `URL` or `URL goal…`.
 * Pages from the web are off unless the user enables them (web-fetch.ts; the app wires it in experiments/execution/app-tools.ts).
 */
import type { ToolResult } from '../types';

const MAX_OUTPUT = 3000;

/** A URL as it may appear in an error: never a huge model-written input echoed back. */
export const shortUrl = (url: string) => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

const HIDDEN = ['script', 'style', 'noscript'];
const BLOCK_END = /^<\/(?:p|div|h[1-6]|li|tr|section|article|br)>$|^<br\s*\/?>$/i;

/**
 * Visible text of an HTML page: no scripts, styles or tags; block elements as line breaks. One pass over the page
 * (a hostile page of a million `<` costs what its length costs): each tag is found with one forward search, and
 * once no `>` is left the rest is text.
 */
export function readableText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open < 0) break;
    out.push(html.slice(at, open));
    const hidden = HIDDEN.find(
      (name) => lower.startsWith(name, open + 1) && !/[a-z0-9]/.test(lower[open + 1 + name.length] ?? ''),
    );
    if (hidden) {
      // Up to the element's end tag; an element never closed hides the rest of the page.
      const end = lower.indexOf(`</${hidden}`, open);
      const close = end < 0 ? -1 : html.indexOf('>', end);
      out.push(' ');
      at = close < 0 ? html.length : close + 1;
      continue;
    }
    const close = html.indexOf('>', open + 2);
    if (close < 0) {
      // No `>` is left: this `<` and everything after it are text.
      at = open;
      break;
    }
    out.push(BLOCK_END.test(html.slice(open, close + 1)) ? '\n' : ' ');
    at = close + 1;
  }
  out.push(html.slice(at));
  return out
    .join('')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
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
