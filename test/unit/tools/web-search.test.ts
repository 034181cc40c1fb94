import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchTool } from '../../../src-main/tools/search/search-tool';
import { webSearchProvider } from '../../../src-main/tools/search/web-providers';

/** A loopback HTTP server that speaks the three providers' JSON APIs, to exercise the real HTTP client code. */
let server: Server;
let base = '';
const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response.setHeader('content-type', 'application/json');
    if (request.url?.startsWith('/search?format=json'))
      return response.end(
        JSON.stringify({
          results: [
            { title: 'Halden', content: 'A town.' },
            { title: 'River', content: 'x'.repeat(3000) },
          ],
        }),
      );
    if (request.url === '/serper')
      return response.end(JSON.stringify({ organic: [{ title: 'S', snippet: 'from serper' }] }));
    if (request.url?.startsWith('/bing'))
      return response.end(JSON.stringify({ webPages: { value: [{ name: 'B', snippet: 'from bing' }] } }));
    response.statusCode = 503;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('web search providers', () => {
  it('SearXNG: results in the Page-i format, snippets cut at 1,000 characters', async () => {
    const result = await new SearchTool([webSearchProvider({ provider: 'searxng', url: base })]).run('halden');
    expect(result.output.split('\n')[0]).toBe('Page 1: Halden: A town.');
    expect(result.output.split('\n')[1]!.length).toBe('Page 2: '.length + 1000);
  });

  it('Serper and Bing send their keys the way their APIs want them', async () => {
    expect(
      (await new SearchTool([webSearchProvider({ provider: 'serper', url: `${base}/serper`, apiKey: 'k1' })]).run('q'))
        .output,
    ).toBe('Page 1: S: from serper');
    expect(seen.at(-1)!.headers['x-api-key']).toBe('k1');
    expect(
      (await new SearchTool([webSearchProvider({ provider: 'bing', url: `${base}/bing`, apiKey: 'k2' })]).run('q'))
        .output,
    ).toBe('Page 1: B: from bing');
    expect(seen.at(-1)!.headers['ocp-apim-subscription-key']).toBe('k2');
  });

  it('reports a missing key or a failing service as a tool error, not a crash', async () => {
    expect((await new SearchTool([webSearchProvider({ provider: 'serper' })]).run('q')).output).toMatch(
      /serper search needs an API key/,
    );
    expect(
      (await new SearchTool([webSearchProvider({ provider: 'bing', url: `${base}/down`, apiKey: 'k' })]).run('q'))
        .output,
    ).toMatch(/Bing answered HTTP 503/);
  });
});
