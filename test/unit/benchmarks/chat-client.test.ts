import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chat } from '../../../src-main/benchmarks/chat-client';

describe('chat client', () => {
  it('names the URL when the endpoint cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    await expect(
      chat({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }, [{ role: 'user', content: 'hi' }]),
    ).rejects.toThrow(`cannot reach the chat endpoint http://127.0.0.1:${port}/v1/chat/completions: ECONNREFUSED`);
  });
});
