import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppTools } from '../../../src-main/experiments/execution/app-tools';
import { openLab } from '../../../src-main/app/open-lab';
import { aroundGoal, BrowseTool, readableText } from '../../../src-main/tools/browse/browse-tool';
import { fetchPage } from '../../../src-main/tools/browse/web-fetch';
import { LocalIndex, SearchTool } from '../../../src-main/tools/search/search-tool';
import { runCli } from '../../../src-main/cli/main';
import { tempDir, tempLab } from '../../support/temp';

const documents = Array.from({ length: 15 }, (_, i) => ({
  id: `d${i}`,
  title: `River ${i}`,
  text: `The river number ${i} flows past Halden. ${'Long text. '.repeat(200)}`,
}));

describe('search tool', () => {
  it('answers from the local index as the authors format it: at most 10 "Page i:" lines of at most 1,000 characters', async () => {
    const result = await new SearchTool([new LocalIndex(documents)]).run('river Halden');
    const lines = result.output.split('\n');
    expect(result.ok).toBe(true);
    expect(lines).toHaveLength(10);
    lines.forEach((line, i) => {
      expect(line.startsWith(`Page ${i + 1}: `)).toBe(true);
      expect(line.length).toBeLessThanOrEqual(`Page ${i + 1}: `.length + 1000);
    });
  });

  it('serves and fills its cache, and survives a 2,000-character query', async () => {
    const store = new Map<string, string>([['cached question', 'Page 1: from the cache']]);
    const tool = new SearchTool([new LocalIndex(documents)], {
      get: (q) => store.get(q),
      set: (q, r) => void store.set(q, r),
    });
    expect((await tool.run('  cached   question ')).output).toBe('Page 1: from the cache');
    await tool.run('river 3');
    expect(store.has('river 3')).toBe(true);
    const long = await tool.run('x'.repeat(2000));
    expect(long.ok).toBe(true);
    expect(long.ms).toBeLessThan(2000);
    expect((await tool.run('river 4')).output).toMatch(/^Page 1: /);
  });

  it("imports the authors' 1,000-query cache and answers its queries from it", async () => {
    const file = join(process.cwd(), '..', 'shared', 'benchmarks', 'search_cache.json');
    const cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    const dataDir = tempDir();
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => {} };
    const env = { env: {}, io, rendererDir: '', benchDir: '', workerDir: '', stopSignal: Promise.resolve() };
    expect(await runCli(['--data-dir', dataDir, 'tool-cache', 'import', file, '--json'], env)).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({
      imported: Object.keys(cache).length,
      added: Object.keys(cache).length,
    });
    const lab = openLab({ dataDir, mode: 'cli' });
    const tools = new AppTools(lab, { pythonSandbox: '' });
    const [query, expected] = Object.entries(cache)[123]!;
    expect((await tools.call('search', query)).output).toBe(expected);
    lab.close();
  });
});

describe('browse tool', () => {
  it('reads hostile pages in one pass: unclosed tags, endless scripts, a page of `<`', () => {
    const MiB = 2 ** 20;
    // Each of these took seconds to minutes with the old regular expressions (a 200 KiB page of `<` took 22 s);
    // 2 MiB each now, well inside the test's time limit (bench figures in the note).
    expect(readableText('<'.repeat(2 * MiB))).toBe(
      '<'
        .repeat(2 * MiB)
        .slice(0, 2 * MiB)
        .trim(),
    );
    expect(readableText('<script'.repeat(MiB / 4))).toBe('');
    expect(readableText(`ok${'<a'.repeat(MiB)}`)).toBe(`ok${'<a'.repeat(MiB)}`);
    expect(readableText(`<p>one</p>${'<b x="'.repeat(MiB / 4)}`).startsWith('one\n<b x=')).toBe(true);
    // Tags within text, a tag never closed, entities decoded once.
    expect(readableText('a <b>bold</b> and 1 < 2 and <i')).toBe('a bold and 1 < 2 and <i');
    expect(readableText('<p>&amp;lt; is written &lt;</p>')).toBe('&lt; is written <');
    expect(readableText('<SCRIPT type="x">hidden</SCRIPT>shown<scripts>kept</scripts>')).toBe('shown kept');
  });

  it('turns HTML into readable text and cuts it around the goal', () => {
    expect(
      readableText('<html><style>x{}</style><h1>Title</h1><p>One &amp; two</p><script>evil()</script></html>'),
    ).toBe('Title\nOne & two');
    const text = [
      ...Array.from({ length: 100 }, (_, i) => `filler paragraph ${i}`),
      'the opening hours are nine to five',
      ...Array.from({ length: 100 }, () => 'more filler'),
    ].join('\n');
    const window = aroundGoal(text, 'opening hours', 300);
    expect(window).toContain('the opening hours are nine to five');
    expect(window.length).toBeLessThanOrEqual(310);
  });

  it('reads only the local site bundles, never a path outside them', async () => {
    const lab = tempLab();
    const site = join(lab.dataDir, 'sites', 'museum.example', 'visit');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, 'index.html'), '<p>Open daily from 9 to 17.</p>');
    const tools = new AppTools(lab, { pythonSandbox: '' });
    expect((await tools.call('browse', 'https://museum.example/visit/ opening hours')).output).toBe(
      'Open daily from 9 to 17.',
    );
    expect(await tools.call('browse', 'https://museum.example/../../../../etc/passwd')).toMatchObject({ ok: false });
    // A sibling folder sharing the prefix, and a symlink inside sites/ pointing out, are refused too.
    mkdirSync(join(lab.dataDir, 'sites-private', 'x'), { recursive: true });
    writeFileSync(join(lab.dataDir, 'sites-private', 'x', 'secret.html'), '<p>private</p>');
    expect(await tools.call('browse', 'http://example.com/../../sites-private/x/secret')).toMatchObject({ ok: false });
    expect(await tools.call('browse', 'http://..%2Fsites-private/x/secret')).toMatchObject({ ok: false });
    writeFileSync(join(lab.dataDir, 'outside.html'), '<p>outside</p>');
    symlinkSync(join(lab.dataDir, 'outside.html'), join(site, 'link.html'));
    symlinkSync(lab.dataDir, join(lab.dataDir, 'sites', 'linked.example'));
    expect(await tools.call('browse', 'https://museum.example/visit/link')).toMatchObject({ ok: false });
    expect(await tools.call('browse', 'https://linked.example/outside')).toMatchObject({ ok: false });
    // A huge model-written URL is not echoed back in full.
    expect((await tools.call('browse', `https://museum.example/${'a'.repeat(100_000)}`)).output.length).toBeLessThan(
      400,
    );
    expect(await new BrowseTool(() => undefined).run('')).toMatchObject({
      ok: false,
      output: 'Error: browse needs a URL',
    });
    expect((await tools.call('browse', 'https://elsewhere.example/')).output).toMatch(/web browsing is off/);
  });

  it('fetches from the web only once the user enables it', async () => {
    const server = createServer((_request, response) => response.end('<h1>Live page</h1><p>Fetched over HTTP.</p>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
    const lab = tempLab();
    // The app never fetches from this machine; the test widens the allowed addresses to its own server only.
    const fetchLocal = (target: string) => fetchPage(target, { allowAddress: (address) => address === '127.0.0.1' });
    expect((await new AppTools(lab, { pythonSandbox: '', fetchPage: fetchLocal }).call('browse', url)).ok).toBe(false);
    lab.services.settings.update({ webBrowsing: true });
    expect((await new AppTools(lab, { pythonSandbox: '', fetchPage: fetchLocal }).call('browse', url)).output).toBe(
      'Live page\nFetched over HTTP.',
    );
    // With the app's own fetcher the same loopback page is refused.
    expect((await new AppTools(lab, { pythonSandbox: '' }).call('browse', url)).output).toMatch(
      /refused: 127\.0\.0\.1 is not a public address/,
    );
    server.close();
  });
});
