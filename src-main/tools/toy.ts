/**
 * A small deterministic tool set for tests and toy tasks: `search` looks words up in a given table of facts,
 * `python` evaluates `print(<integer arithmetic>)` with a tiny parser (no eval, no host access), `browse` returns
 * a page from a given map. Same interface and output shapes as the real tools.
 */
import type { ToolName, ToolResult, ToolSet } from './types';

/** + − × // and parentheses over integers: enough for arithmetic tasks, nothing else. */
export function evaluateArithmetic(source: string): number {
  const tokens = source.match(/\d+|\/\/|[-+*()]/g) ?? [];
  if (tokens.join('') !== source.replace(/\s+/g, '')) throw new Error(`unsupported syntax in "${source}"`);
  let at = 0;
  const peek = () => tokens[at];
  const expression = (): number => {
    let value = term();
    while (peek() === '+' || peek() === '-') value = tokens[at++] === '+' ? value + term() : value - term();
    return value;
  };
  const term = (): number => {
    let value = factor();
    while (peek() === '*' || peek() === '//') {
      const op = tokens[at++];
      const right = factor();
      if (op === '//' && right === 0) throw new Error('ZeroDivisionError: integer division by zero');
      value = op === '*' ? value * right : Math.floor(value / right);
    }
    return value;
  };
  const factor = (): number => {
    const token = tokens[at++];
    if (token === '-') return -factor();
    if (token === '(') {
      const value = expression();
      if (tokens[at++] !== ')') throw new Error('SyntaxError: missing )');
      return value;
    }
    if (token === undefined || !/^\d+$/.test(token)) throw new Error(`SyntaxError: unexpected "${token ?? 'end'}"`);
    return Number(token);
  };
  const value = expression();
  if (at !== tokens.length) throw new Error(`SyntaxError: unexpected "${tokens[at]}"`);
  return value;
}

export class ToyTools implements ToolSet {
  constructor(
    private readonly facts: Record<string, string> = {},
    private readonly pages: Record<string, string> = {},
  ) {}

  async call(tool: ToolName, input: string): Promise<ToolResult> {
    const started = performance.now();
    const done = (ok: boolean, output: string, error?: string): ToolResult => ({
      ok,
      output,
      error,
      ms: performance.now() - started,
    });
    const query = input.trim();
    if (tool === 'python') {
      const match = /^print\((.*)\)$/s.exec(query);
      if (!match) return done(false, 'Error: only print(<arithmetic>) is supported', 'unsupported code');
      try {
        return done(true, String(evaluateArithmetic(match[1]!)));
      } catch (error) {
        return done(false, `Error: ${(error as Error).message}`, (error as Error).message);
      }
    }
    if (tool === 'browse') {
      const page = this.pages[query];
      return page === undefined ? done(false, `Error: no page at ${query}`, 'not found') : done(true, page);
    }
    const words = query.toLowerCase().split(/\W+/).filter(Boolean);
    const hits = Object.entries(this.facts).filter(([key]) => words.some((w) => key.toLowerCase().includes(w)));
    if (hits.length === 0) return done(true, 'No results.');
    return done(
      true,
      hits
        .slice(0, 10)
        .map(([key, text], i) => `Page ${i + 1}: ${key}: ${text}`)
        .join('\n'),
    );
  }
}
