import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_STATUS, type ApiResult } from '../api/result';
import type { Dispatch } from '../api/dispatch';
import { LAB_EVENT_NAMES, type EventBus } from '../core/events';
import { newAccessToken, tokenMatches } from './auth';
import {
  allowedHosts,
  bearerToken,
  checkHostAndOrigin,
  checkJsonBody,
  eventsCookie,
  eventsCookieName,
  type Refusal,
} from './request-guards';
import { chatRequest, type ChatModel } from '../experiments/execution/chat-model';
import { serveStatic } from './static-files';

export interface ServeOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  /**
   * A checkpoint to answer /v1/chat/completions with (the access token is its API key); it samples on its own thread
   * (experiments/execution/chat-model.ts), never on this server's.
   */
  chat?: ChatModel;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
/** A file uploaded for import may be large (HotpotQA's test split, a long verl log are several MiB). */
const IMPORT_BODY_BYTES = 64 << 20;
const SSE_HEARTBEAT_MS = 15_000;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

class BodyTooLarge extends Error {}

/** The body as text; over the limit, BodyTooLarge (answered 413), and the rest is not kept. */
function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new BodyTooLarge());
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const tooLarge = (limit: number) => `request body over ${limit / 2 ** 20} MiB`;
const TOO_LARGE = tooLarge(MAX_BODY_BYTES);

/** Answers a refusal and closes the connection (the client may still be sending a body nobody will read). */
function refuse(response: ServerResponse, refusal: Refusal): void {
  response.setHeader('connection', 'close');
  sendJson(response, refusal.status, apiError(refusal.code, refusal.message));
}

const apiError = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** Serves the built UI and the typed API over HTTP: `POST /api/<channel>` and `GET /api/events` (SSE). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newAccessToken();
  /** What the events cookie holds: enough to follow the event stream, nothing else. */
  const eventsSecret = newAccessToken();
  const host = options.host ?? '127.0.0.1';
  const closeStreams = new Set<() => void>();

  async function handleOpenAi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const fail = (status: number, message: string) =>
      sendJson(response, status, { error: { message, type: 'invalid_request_error' } });
    if (!tokenMatches(bearerToken(request), token))
      return fail(401, 'missing or wrong API key: use the access token `aepo-lab serve` printed');
    if (!options.chat) return fail(404, 'no model is loaded: start `aepo-lab serve --checkpoint FILE`');
    if (url.pathname === '/v1/models' && request.method === 'GET') {
      return sendJson(response, 200, {
        object: 'list',
        data: [{ id: options.chat.name, object: 'model', owned_by: 'aepo-lab' }],
      });
    }
    if (url.pathname !== '/v1/chat/completions' || request.method !== 'POST')
      return fail(404, `no route ${request.method} ${url.pathname.slice(0, 100)}`);
    const notJson = checkJsonBody(request);
    if (notJson) return fail(notJson.status, notJson.message);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return refuse(response, { status: 413, code: 'too_large', message: TOO_LARGE });
      return fail(400, `body is not JSON: ${(error as Error).message}`);
    }
    const parsed = chatRequest.safeParse(body);
    if (!parsed.success)
      return fail(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    try {
      sendJson(response, 200, await options.chat.complete(parsed.data));
    } catch (error) {
      fail(400, (error as Error).message);
    }
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const channel = url.pathname.slice('/api/'.length);
    // The event stream (read-only) also takes the page's events cookie, since EventSource can't send headers; that
    // cookie holds its own secret, so a page on another port of this host that receives it gets no API access.
    const viaCookie = channel === 'events' && tokenMatches(eventsCookie(request, bound.port ?? 0), eventsSecret);
    if (!viaCookie && !tokenMatches(bearerToken(request), token)) {
      sendJson(
        response,
        401,
        apiError(
          'unauthorized',
          'missing or wrong access token: send it as "Authorization: Bearer TOKEN" (the page gets it from the URL that `aepo-lab serve` printed)',
        ),
      );
      return;
    }
    if (channel === 'events' && request.method === 'GET') return streamEvents(request, response);
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      sendJson(
        response,
        405,
        apiError('method_not_allowed', `use POST /api/${channel.slice(0, 100)} with a JSON body`),
      );
      return;
    }
    const notJson = checkJsonBody(request);
    if (notJson) return refuse(response, notJson);
    let input: unknown;
    const limit = channel === 'benchmarks.import' || channel === 'runs.import' ? IMPORT_BODY_BYTES : MAX_BODY_BYTES;
    try {
      const text = await readBody(request, limit);
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return refuse(response, { status: 413, code: 'too_large', message: tooLarge(limit) });
      sendJson(response, 400, apiError('invalid_input', `body is not JSON: ${(error as Error).message}`));
      return;
    }
    const result: ApiResult<unknown> = await options.dispatch(channel, input);
    sendJson(response, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
  }

  function streamEvents(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write('retry: 2000\n\n');
    const unsubscribers = LAB_EVENT_NAMES.map((name) =>
      options.bus.on(name, (payload) => response.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
    );
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribers.forEach((off) => off());
      closeStreams.delete(close);
      response.end();
    };
    closeStreams.add(close);
    request.on('close', close);
  }

  const bound: { hosts?: Set<string>; port?: number } = {};
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refusal = checkHostAndOrigin(request, bound.hosts);
    if (refusal) return refuse(response, refusal);
    // Opening the page with its token gives it a cookie for the event stream only (never for API calls).
    if (!url.pathname.startsWith('/api/') && tokenMatches(url.searchParams.get('token'), token)) {
      response.setHeader(
        'set-cookie',
        `${eventsCookieName(bound.port ?? 0)}=${eventsSecret}; HttpOnly; SameSite=Strict; Path=/api/events`,
      );
    }
    const work = url.pathname.startsWith('/api/')
      ? handleApi(request, response, url)
      : url.pathname.startsWith('/v1/')
        ? handleOpenAi(request, response, url)
        : request.method === 'GET' || request.method === 'HEAD'
          ? serveStatic(options.rendererDir, url.pathname, response)
          : Promise.resolve(void response.writeHead(405).end());
    work.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, apiError('internal', (error as Error).message));
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  bound.hosts = allowedHosts(host, port);
  bound.port = port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        [...closeStreams].forEach((close) => close());
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
