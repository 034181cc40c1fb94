/**
 * Checks every serve-mode request passes before it reaches a handler: the Host header must name the bound address
 * (a page on another site can't rebind its DNS name to 127.0.0.1 and read the API), a browser's Origin, where sent,
 * must be the server's own, and API calls must be JSON (a form or a "simple" cross-site request can't be).
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const WILDCARD = new Set(['0.0.0.0', '::']);

/** The Host header values the server answers to; undefined: any (bound to every interface, named by the user). */
export function allowedHosts(host: string, port: number): Set<string> | undefined {
  if (WILDCARD.has(host)) return undefined;
  const names = LOOPBACK.has(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
  return new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
}

export type Refusal = { status: number; code: string; message: string };

export function checkHostAndOrigin(request: IncomingMessage, hosts: Set<string> | undefined): Refusal | undefined {
  const host = (request.headers.host ?? '').toLowerCase();
  if (hosts && !hosts.has(host)) {
    return {
      status: 403,
      code: 'forbidden',
      message: `this server answers to ${[...hosts].join(', ')}, not to Host "${host.slice(0, 100)}"`,
    };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return {
      status: 403,
      code: 'forbidden',
      message: `requests from another origin (${origin.slice(0, 100)}) are refused`,
    };
  }
  return undefined;
}

export function checkJsonBody(request: IncomingMessage): Refusal | undefined {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return undefined;
  return {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as JSON, with Content-Type: application/json',
  };
}

/** The token a request carries in its Authorization header (API calls accept no other place). */
export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

/**
 * The event stream's cookie, named with the port it was set by: cookies do not separate ports, so two servers on one
 * host each read only their own. Its value is a secret of its own, never the API token.
 */
export const eventsCookieName = (port: number) => `aepo-lab-events-${port}`;

/** The events cookie a request carries for this port, or null. */
export function eventsCookie(request: IncomingMessage, port: number): string | null {
  const wanted = eventsCookieName(port);
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === wanted) return value.join('=');
  }
  return null;
}
