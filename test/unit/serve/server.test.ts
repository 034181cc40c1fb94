import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src-main/serve/server';
import { tempDir, tempLab } from '../../support/temp';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serveTempLab() {
  const lab = tempLab();
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>AEPO Lab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const server = await startServer({ dispatch: lab.dispatch, bus: lab.bus, rendererDir, port: 0 });
  servers.push(server);
  const post = (channel: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${server.token}` }) =>
    fetch(`${server.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { lab, server, post };
}

describe('serve mode HTTP API', () => {
  it('binds to loopback on a free port and prints a token URL', async () => {
    const { server } = await serveTempLab();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const { post } = await serveTempLab();
    const none = await post('runs.list', {}, {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await post('runs.list', {}, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('accepts the token as a bearer header or a query parameter', async () => {
    const { server, post } = await serveTempLab();
    expect(await (await post('runs.list', {})).json()).toEqual({ ok: true, data: [] });
    const viaQuery = await fetch(`${server.origin}/api/runs.list?token=${server.token}`, { method: 'POST', body: '' });
    expect(viaQuery.status).toBe(200);
  });

  it('runs the same validating handlers and maps errors to HTTP statuses', async () => {
    const { post } = await serveTempLab();
    const created = await post('runs.create', { algorithm: 'aepo', benchmark: 'hotpotqa', seed: 0 });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { data: unknown }).data).toMatchObject({ id: 1, algorithm: 'aepo' });
    expect((await post('runs.create', { algorithm: 'aepo' })).status).toBe(400);
    expect((await post('runs.get', { id: 99 })).status).toBe(404);
    expect((await post('runs.nope', {})).status).toBe(404);
  });

  it('refuses a body that is not JSON, and non-POST calls', async () => {
    const { server } = await serveTempLab();
    const headers = { authorization: `Bearer ${server.token}` };
    const bad = await fetch(`${server.origin}/api/runs.list`, { method: 'POST', headers, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^body is not JSON/);
    expect((await fetch(`${server.origin}/api/runs.list`, { headers })).status).toBe(405);
  });

  it('streams store events over SSE', async () => {
    const { server, post } = await serveTempLab();
    const controller = new AbortController();
    const response = await fetch(`${server.origin}/api/events?token=${server.token}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    await reader.read(); // the retry preamble
    await post('runs.create', { algorithm: 'grpo', benchmark: 'gsm8k', seed: 0 });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: store\.changed\ndata: \{"tables":\["runs",/);
    controller.abort();
  });

  it('serves the built UI with a CSP and never a file outside it', async () => {
    const { server } = await serveTempLab();
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect((await fetch(`${server.origin}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const response = await fetch(`${server.origin}${path}`);
      expect(await response.text()).not.toMatch(/root:/);
    }
    // fetch() normalises dot segments itself; a raw request sends them as typed.
    const raw = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port: server.port, path: '/../../../../etc/passwd' }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(raw).toContain('<title>AEPO Lab</title>');
  });
});
