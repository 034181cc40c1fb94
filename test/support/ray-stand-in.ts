/**
 * A strict local stand-in for a Ray cluster's Jobs API, written from Ray's OpenAPI description
 * (doc/source/cluster/running-applications/job-submission/openapi.yml) and the dashboard's routes (job_head.py,
 * JobSubmitRequest in common.py). Ray can't be installed here; this answers over real HTTP and refuses what Ray
 * refuses: the routes without their trailing slash, unknown or mistyped fields (400), a second job under one
 * submission id (400), deleting a job that has not ended (500), a missing bearer token when auth is on (401).
 * The test drives each job's life with `setStatus` and `appendLog`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Status = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
const TERMINAL: Status[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];

interface StandInJob {
  submission_id: string;
  entrypoint: string;
  status: Status;
  message: string;
  metadata: Record<string, string>;
  runtime_env: Record<string, unknown>;
  logs: string;
  start_time: number;
  end_time: number | null;
}

const SUBMIT_FIELDS: Record<string, (v: unknown) => boolean> = {
  entrypoint: (v) => typeof v === 'string',
  submission_id: (v) => v === null || typeof v === 'string',
  job_id: (v) => v === null || typeof v === 'string',
  runtime_env: (v) => v === null || (typeof v === 'object' && !Array.isArray(v)),
  metadata: (v) =>
    v === null ||
    (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string')),
  entrypoint_num_cpus: (v) => v === null || typeof v === 'number',
  entrypoint_num_gpus: (v) => v === null || typeof v === 'number',
  entrypoint_memory: (v) => v === null || Number.isInteger(v),
  entrypoint_resources: (v) =>
    v === null ||
    (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'number')),
};

export async function startRayStandIn(options: { token?: string; port?: number } = {}) {
  const jobs = new Map<string, StandInJob>();
  const packages = new Map<string, Buffer>();
  const tails = new Map<string, Set<Socket>>();
  /** Every request received, for tests to assert on: method, path. */
  const received: { method: string; path: string }[] = [];
  const sockets = new Set<Socket>();

  const text = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const details = (job: StandInJob) => ({
    type: 'SUBMISSION',
    job_id: null,
    driver_info: null,
    ...job,
    logs: undefined,
  });

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    received.push({ method, path });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`)
      return text(res, 401, 'Unauthorized: missing or invalid token');
    if (method === 'GET' && path === '/api/version')
      return json(res, { version: '4', ray_version: '2.49.0', ray_commit: 'stand-in', session_name: 'test' });
    const pkg = /^\/api\/packages\/([^/]+)\/([^/]+)$/.exec(path);
    if (pkg) {
      const uri = `${pkg[1]}://${pkg[2]}`;
      if (!/\.(zip|whl)$/.test(pkg[2]!))
        return text(res, 500, `ValueError: package_uri (${uri}) does not end in .zip or .whl`);
      if (method === 'GET')
        return packages.has(uri) ? res.writeHead(200).end() : text(res, 404, `Package ${uri} does not exist`);
      if (method === 'PUT') {
        if (body.subarray(0, 4).toString('binary') !== 'PK\x03\x04')
          return text(res, 500, 'BadZipFile: not a zip file');
        packages.set(uri, body);
        return res.writeHead(200).end();
      }
    }
    if (path === '/api/jobs/' && method === 'POST') return submit(res, body);
    if (path === '/api/jobs/' && method === 'GET') return json(res, [...jobs.values()].map(details));
    const route = /^\/api\/jobs\/([^/]+)(\/stop|\/logs)?$/.exec(path);
    const job = route ? jobs.get(decodeURIComponent(route[1]!)) : undefined;
    if (!route) return text(res, 404, 'Not Found');
    if (!job) return text(res, 404, `Job ${route[1]} does not exist`);
    if (method === 'GET' && !route[2]) return json(res, details(job));
    if (method === 'GET' && route[2] === '/logs') return json(res, { logs: job.logs });
    if (method === 'POST' && route[2] === '/stop') {
      const stopped = !TERMINAL.includes(job.status);
      if (stopped) setStatus(job.submission_id, 'STOPPED', 'Job was intentionally stopped.');
      return json(res, { stopped });
    }
    if (method === 'DELETE' && !route[2]) {
      if (!TERMINAL.includes(job.status))
        return text(res, 500, `RuntimeError: Attempted to delete job with status ${job.status}; only terminal jobs`);
      jobs.delete(job.submission_id);
      return json(res, { deleted: true });
    }
    return text(res, 405, 'Method Not Allowed');
  };

  const submit = (res: ServerResponse, body: Buffer) => {
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return text(res, 400, 'JSONDecodeError: the body is not JSON');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request))
      return text(res, 400, 'TypeError: the body must be an object');
    for (const key of Object.keys(request))
      if (!(key in SUBMIT_FIELDS))
        return text(res, 400, `TypeError: __init__() got an unexpected keyword argument '${key}'`);
    if (!('entrypoint' in request)) return text(res, 400, "TypeError: missing required argument: 'entrypoint'");
    for (const [key, valid] of Object.entries(SUBMIT_FIELDS))
      if (key in request && !valid(request[key])) return text(res, 400, `TypeError: ${key} has the wrong type`);
    const id = (request.submission_id as string | undefined) ?? `raysubmit_${jobs.size + 1}`;
    if (jobs.has(id)) return text(res, 400, `ValueError: Job with submission_id ${id} already exists.`);
    const runtimeEnv = (request.runtime_env ?? {}) as Record<string, unknown>;
    const missing = typeof runtimeEnv.working_dir === 'string' && !packages.has(runtimeEnv.working_dir);
    jobs.set(id, {
      submission_id: id,
      entrypoint: request.entrypoint as string,
      status: missing ? 'FAILED' : 'PENDING',
      message: missing ? `Failed to set up runtime environment: ${String(runtimeEnv.working_dir)} not found` : '',
      metadata: (request.metadata ?? {}) as Record<string, string>,
      runtime_env: runtimeEnv,
      logs: '',
      start_time: Date.now(),
      end_time: missing ? Date.now() : null,
    });
    return json(res, { job_id: null, submission_id: id });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // The log tail is a WebSocket (RFC 6455): the whole log so far, then each new chunk, closed when the job ends.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const match = /^\/api\/jobs\/([^/]+)\/logs\/tail$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const job = match ? jobs.get(decodeURIComponent(match[1]!)) : undefined;
    received.push({ method: 'WS', path: req.url ?? '' });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (!job) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
    );
    socket.on('data', () => undefined); // the client's close and pong frames
    socket.on('error', () => undefined);
    if (job.logs) socket.write(frame(0x1, Buffer.from(job.logs)));
    if (TERMINAL.includes(job.status)) return closeTail(socket);
    const set = tails.get(job.submission_id) ?? new Set<Socket>();
    set.add(socket);
    tails.set(job.submission_id, set);
    socket.on('close', () => set.delete(socket));
  });

  function setStatus(id: string, status: Status, message = ''): void {
    const job = jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    job.status = status;
    job.message = message;
    if (TERMINAL.includes(status)) {
      job.end_time = Date.now();
      for (const socket of tails.get(id) ?? []) closeTail(socket);
      tails.delete(id);
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `http://127.0.0.1:${port}`,
    port,
    jobs,
    packages,
    received,
    setStatus,
    appendLog(id: string, chunk: string): void {
      const job = jobs.get(id)!;
      job.logs += chunk;
      for (const socket of tails.get(id) ?? []) socket.write(frame(0x1, Buffer.from(chunk)));
    },
    /** Stops answering (every open connection cut), as a dashboard that went away. */
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type RayStandIn = Awaited<ReturnType<typeof startRayStandIn>>;

/** A server frame: unmasked, FIN set. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  return Buffer.concat([head, payload]);
}

function bigLength(length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(length));
  return b;
}

function closeTail(socket: Socket): void {
  socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
}
