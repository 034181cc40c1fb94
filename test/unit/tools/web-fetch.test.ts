import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage, isPublicAddress } from '../../../src-main/tools/browse/web-fetch';

let server: Server;
let base = '';
let requests: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/to-metadata')
      return response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (request.url === '/to-other-loopback')
      return response
        .writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/page` })
        .end();
    if (request.url === '/huge') return response.end('x'.repeat(5 * 2 ** 20));
    response.end('<p>page</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

// The test's own server is the one address it lets through; everything else follows the app's rule.
const onlyTestServer = (address: string) => address === '127.0.0.1' || isPublicAddress(address);

describe('web fetch for browse', () => {
  it('tells public addresses from loopback, private, link-local and metadata ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      // Every other standard embedding of a private or loopback IPv4 address.
      '::127.0.0.1', // IPv4-compatible
      '::7f00:1',
      '::ffff:0:127.0.0.1', // IPv4-translated
      '::ffff:0:a00:1', // 10.0.0.1
      '64:ff9b:1::7f00:1', // local-use NAT64
      '64:ff9b:1:abcd::192.168.1.1',
      '2002:7f00:1::1', // 6to4 of 127.0.0.1
      '2002:a9fe:a9fe::', // 6to4 of the metadata address
      '2001:0:7f00:1::1', // Teredo whose server is loopback
      '2001:0:808:808:0:0:80ff:fffe', // Teredo whose client is 127.0.0.1 (obfuscated)
      'not-an-ip',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '::8.8.8.8',
      '2002:808:808::1', // 6to4 of a public address
      '64:ff9b::808:808',
    ])
      expect(isPublicAddress(address), address).toBe(true);
  });

  it('refuses this machine by IP and by name, before connecting', async () => {
    requests = [];
    await expect(fetchPage(`${base}/page`)).rejects.toThrow(/refused: 127\.0\.0\.1 is not a public address/);
    await expect(fetchPage(`http://localhost:${(server.address() as AddressInfo).port}/page`)).rejects.toThrow(
      /refused: localhost resolves to/,
    );
    await expect(fetchPage('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    expect(requests).toEqual([]);
  });

  it('checks every redirect again', async () => {
    requests = [];
    await expect(fetchPage(`${base}/to-metadata`, { allowAddress: onlyTestServer })).rejects.toThrow(
      /169\.254\.169\.254 is not a public address/,
    );
    await expect(fetchPage(`${base}/to-other-loopback`, { allowAddress: onlyTestServer })).rejects.toThrow(
      /127\.0\.0\.2 is not a public address/,
    );
    expect(requests).toEqual(['/to-metadata', '/to-other-loopback']);
    expect(await fetchPage(`${base}/page`, { allowAddress: onlyTestServer })).toBe('<p>page</p>');
  });

  it('caps the page size', async () => {
    const page = await fetchPage(`${base}/huge`, { allowAddress: onlyTestServer, maxBytes: 100_000 });
    expect(page.length).toBe(100_000);
  });
});
