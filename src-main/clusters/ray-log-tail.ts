/**
 * Following a Ray job's log over the dashboard's WebSocket (`GET /api/jobs/{id}/logs/tail`): Ray sends the log from
 * its start as text frames and closes the socket when the job has ended. Node 20 has no WebSocket client, and only
 * this small part of RFC 6455 is needed (a client that reads text frames and answers pings and the close), so it is
 * written here rather than pulling in a dependency.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { ClusterReplyError, ClusterUnreachableError } from './ray-jobs-client';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Calls `onText` with each chunk of the log; resolves when the server closes the stream (the job ended). */
export function tailJobLog(
  url: string,
  headers: Record<string, string>,
  onText: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const key = randomBytes(16).toString('base64');
  const target = new URL(url.replace(/^ws/, 'http'));
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    headers: {
      ...headers,
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': key,
      'sec-websocket-version': '13',
    },
    signal,
  });
  return new Promise<void>((resolve, reject) => {
    request.on('error', (error) =>
      reject(
        signal?.aborted
          ? error
          : new ClusterUnreachableError(`the log stream at ${target.host} broke (${(error as Error).message})`),
      ),
    );
    request.on('response', (response: IncomingMessage) => {
      response.resume();
      reject(
        new ClusterReplyError(
          `following the log: the dashboard answered HTTP ${response.statusCode}`,
          response.statusCode ?? 0,
        ),
      );
    });
    request.on('upgrade', (response: IncomingMessage, socket: Duplex, head: Buffer) => {
      const expected = createHash('sha1')
        .update(key + ACCEPT_GUID)
        .digest('base64');
      if (response.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new ClusterReplyError('following the log: the dashboard did not accept the WebSocket handshake', 101));
        return;
      }
      // Past the handshake the socket is no longer the request's: aborting must close it here.
      signal?.addEventListener('abort', () => socket.destroy(), { once: true });
      readFrames(socket, head, onText);
      socket.on('close', () => resolve());
      socket.on('error', (error) => reject(new ClusterUnreachableError(`the log stream broke (${error.message})`)));
    });
    request.end();
  });
}

/** Reads frames as they come; text (and its continuations) goes to `onText`, pings are answered, close is echoed. */
function readFrames(socket: Duplex, head: Buffer, onText: (text: string) => void): void {
  let buffer = head;
  let message: Buffer[] = [];
  const decoder = new TextDecoder();
  const consume = () => {
    for (;;) {
      if (buffer.length < 2) return;
      const fin = (buffer[0]! & 0x80) !== 0;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskOffset + (i % 4)]!;
      buffer = buffer.subarray(offset + length);
      if (opcode === 0x1 || opcode === 0x0) {
        message.push(payload);
        if (fin) {
          onText(decoder.decode(Buffer.concat(message)));
          message = [];
        }
      } else if (opcode === 0x8) {
        socket.end(clientFrame(0x8, payload.subarray(0, 2)));
        return;
      } else if (opcode === 0x9) socket.write(clientFrame(0xa, payload));
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    consume();
  });
  consume();
}

/** A client frame must be masked (RFC 6455 §5.3); control frames are short, so a 7-bit length suffices. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | masked.length]), mask, masked]);
}
