import { mkdirSync, writeFileSync } from 'node:fs';
import { get, request as httpRequest } from 'node:http';
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
  const post = (
    channel: string,
    body: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${server.token}` },
  ) =>
    fetch(`${server.origin}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
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

  it('takes the token for API calls only from the Authorization header; ?token= only opens the page', async () => {
    const { server, post } = await serveTempLab();
    expect(await (await post('runs.list', {})).json()).toEqual({ ok: true, data: [] });
    const viaQuery = await fetch(`${server.origin}/api/runs.list?token=${server.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(viaQuery.status).toBe(401);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict; Path=\/api\/events/);
    // Named with this server's port, holding a secret of its own: never the API token, which a page served from
    // another port of this host would otherwise receive with it.
    const port = new URL(server.origin).port;
    expect(cookie.startsWith(`aepo-lab-events-${port}=`)).toBe(true);
    expect(cookie).not.toContain(server.token);
    const asToken = {
      authorization: `Bearer ${cookie.split(';')[0]!.split('=')[1]!}`,
      'content-type': 'application/json',
    };
    expect(
      (await fetch(`${server.origin}/api/runs.list`, { method: 'POST', headers: asToken, body: '{}' })).status,
    ).toBe(401);
    const otherPort = await fetch(`${server.origin}/api/events`, {
      headers: { cookie: cookie.split(';')[0]!.replace(`events-${port}`, `events-${Number(port) + 1}`) },
    });
    expect(otherPort.status).toBe(401);
    // The page's cookie opens the event stream, and nothing else.
    const session = cookie.split(';')[0]!;
    const events = await fetch(`${server.origin}/api/events`, { headers: { cookie: session } });
    expect(events.status).toBe(200);
    await events.body?.cancel();
    expect(
      (
        await fetch(`${server.origin}/api/runs.list`, {
          method: 'POST',
          headers: { cookie: session, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding), a foreign Origin, a non-JSON content type and an oversized body', async () => {
    const { server, post } = await serveTempLab();
    const port = new URL(server.origin).port;
    const raw = (headers: Record<string, string>, body = '{}') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/runs.list',
            headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    expect((await raw({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw({ host: `localhost:${port}` })).status).toBe(200);
    const bearer = { authorization: `Bearer ${server.token}` };
    expect((await post('runs.list', {}, { ...bearer, origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('runs.list', {}, { ...bearer, origin: server.origin })).status).toBe(200);
    expect((await post('runs.list', {}, { ...bearer, 'content-type': 'text/plain' })).status).toBe(415);
    const big = await post('runs.list', { padding: 'x'.repeat(2 * 2 ** 20) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ok: false, error: { code: 'too_large' } });
    // A chunked body (no Content-Length) over the limit gets the same answer, not a reset connection.
    const chunked = await raw({ 'transfer-encoding': 'chunked' }, JSON.stringify({ padding: 'y'.repeat(2 * 2 ** 20) }));
    expect(chunked.status).toBe(413);
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
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const bad = await fetch(`${server.origin}/api/runs.list`, { method: 'POST', headers, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^body is not JSON/);
    expect((await fetch(`${server.origin}/api/runs.list`, { headers })).status).toBe(405);
  });

  it('streams store events over SSE', async () => {
    const { server, post } = await serveTempLab();
    const controller = new AbortController();
    const response = await fetch(`${server.origin}/api/events`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: controller.signal,
    });
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
