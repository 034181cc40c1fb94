/**
 * Fetching a page from the web for the browse tool (only when the user enabled web browsing). The URL comes from the
 * model, so it is hostile: only http(s); never an address on this machine, the local network or a cloud metadata
 * service, checked on the address actually connected to (after DNS, so a name can't be rebound to one) and again on
 * every redirect; a size cap on the page and a time limit on the whole fetch.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { shortUrl } from './browse-tool';

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
// Loopback, unspecified, unique-local (AWS's fd00:ec2::254 metadata too), link-local, multicast, documentation.
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** True for an address on the public internet; false for loopback, private, link-local, metadata and the like. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const groups = ipv6Groups(address);
  if (!groups) return false;
  // Every IPv4 address the IPv6 one carries, by any of the standard embeddings, must itself be public.
  if (embeddedIpv4(groups).some((v4) => !isPublicAddress(v4))) return false;
  return !NOT_PUBLIC.check(address.replace(/%.*$/, ''), 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 read as two groups); null if malformed. */
function ipv6Groups(address: string): number[] | null {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...new Array<number>(Math.max(0, zeros)).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const dottedQuad = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 addresses an IPv6 address carries: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96),
 * IPv4-translated (::ffff:0:0:0/96), NAT64 well-known and local-use (64:ff9b::/96, 64:ff9b:1::/48), 6to4
 * (2002::/16) and Teredo (2001::/32, its server and its obfuscated client).
 */
function embeddedIpv4(g: number[]): string[] {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const found: string[] = [];
  if (zero(0, 5) && g[5] === 0xffff) found.push(dottedQuad(g[6]!, g[7]!)); // mapped
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1)) found.push(dottedQuad(g[6]!, g[7]!)); // compatible (not :: or ::1)
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) found.push(dottedQuad(g[6]!, g[7]!)); // translated
  if (g[0] === 0x64 && g[1] === 0xff9b) found.push(dottedQuad(g[6]!, g[7]!)); // NAT64, well-known and local-use
  if (g[0] === 0x2002) found.push(dottedQuad(g[1]!, g[2]!)); // 6to4
  if (g[0] === 0x2001 && g[1] === 0) found.push(dottedQuad(g[2]!, g[3]!), dottedQuad(g[6]! ^ 0xffff, g[7]! ^ 0xffff));
  return found;
}

export interface FetchPageOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Which addresses may be connected to; tests widen it to their own loopback server, the app never does. */
  allowAddress?: (address: string) => boolean;
}

/** Fetches a page as text: http(s) only, public addresses only, time- and size-limited. */
export async function fetchPage(url: string, options: FetchPageOptions = {}): Promise<string> {
  const { timeoutMs = 15_000, maxBytes = 2 * 2 ** 20, maxRedirects = 5, allowAddress = isPublicAddress } = options;
  const deadline = AbortSignal.timeout(timeoutMs);
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const target = parseWebUrl(current);
    const response = await get(target, allowAddress, deadline);
    const location = response.headers.location;
    if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.resume();
      current = new URL(location, target).href;
      continue;
    }
    if (!response.statusCode || response.statusCode >= 400) {
      response.resume();
      throw new Error(`HTTP ${response.statusCode}`);
    }
    return readCapped(response, maxBytes);
  }
  throw new Error(`more than ${maxRedirects} redirects`);
}

function parseWebUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${shortUrl(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`only http and https pages can be fetched, not ${shortUrl(parsed.protocol)}`);
  return parsed;
}

function get(url: URL, allowAddress: (address: string) => boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal IP is never looked up, so it is checked here; names are checked on what DNS answers, in `lookup`.
  if (isIP(host) && !allowAddress(host)) return Promise.reject(new Error(`refused: ${host} is not a public address`));
  const lookup: LookupFunction = (hostname, options, callback) =>
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((entry) => !allowAddress(entry.address));
      if (refused || addresses.length === 0)
        return callback(
          new Error(`refused: ${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`),
          '',
          0,
        );
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        lookup,
        signal,
        headers: { 'user-agent': 'AEPO-Lab-browse/1', accept: 'text/html,text/plain;q=0.9,*/*;q=0.5' },
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function readCapped(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= maxBytes) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
