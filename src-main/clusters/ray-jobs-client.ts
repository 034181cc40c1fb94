/**
 * A client for the Ray Jobs REST API of a cluster's dashboard (default port 8265), written from Ray's OpenAPI
 * description (docs/clusters.md lists the calls). Everything the dashboard answers is checked before use: a reply
 * that is not what the API describes is an error in words, never a crash further on.
 */
import { z } from 'zod';
import { LabError } from '../core/errors';

export const RAY_JOB_STATUSES = ['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'] as const;
export type RayJobStatus = (typeof RAY_JOB_STATUSES)[number];
export const TERMINAL_RAY_STATUSES: readonly RayJobStatus[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];

/** The body of `POST /api/jobs/` (Ray's JobSubmitRequest; unknown fields are refused by Ray, so none are sent). */
export interface RayJobRequest {
  entrypoint: string;
  submission_id: string;
  runtime_env: { working_dir: string; env_vars?: Record<string, string> };
  metadata: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
}

const versionReply = z.object({ version: z.string(), ray_version: z.string(), ray_commit: z.string().optional() });
export type RayVersion = z.output<typeof versionReply>;

const jobReply = z.object({
  submission_id: z.string().nullable().optional(),
  status: z.enum(RAY_JOB_STATUSES),
  message: z.string().nullable().optional(),
  start_time: z.number().nullable().optional(),
  end_time: z.number().nullable().optional(),
  driver_exit_code: z.number().nullable().optional(),
});
export type RayJob = z.output<typeof jobReply>;

/** The dashboard could not be reached (refused, reset, timed out): worth retrying, never a verdict on the job. */
export class ClusterUnreachableError extends LabError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ClusterUnreachableError';
  }
}

/** The dashboard answered, with an HTTP error or a reply that breaks the API's description. */
export class ClusterReplyError extends LabError {
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super('conflict', message);
    this.name = 'ClusterReplyError';
  }
}

export interface ClusterEndpoint {
  /** e.g. http://127.0.0.1:8265 */
  address: string;
  /** Sent as a bearer token when the cluster has token auth on. */
  token?: string;
}

/** One request as it goes over the wire: what `--dry-run` prints. */
export interface WireRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  /** For uploads: the bytes' size and hash instead of the bytes. */
  bodyBytes?: { bytes: number; sha256: string };
}

const TIMEOUT_MS = 30_000;

export function rayJobsClient(endpoint: ClusterEndpoint) {
  const base = endpoint.address.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}) =>
    endpoint.token ? { ...extra, authorization: `Bearer ${endpoint.token}` } : extra;

  async function send(method: WireRequest['method'], path: string, body?: unknown): Promise<Response> {
    const url = `${base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: headers(
          body instanceof Uint8Array ? {} : body === undefined ? {} : { 'content-type': 'application/json' },
        ),
        body:
          body === undefined
            ? undefined
            : body instanceof Uint8Array
              ? new Blob([body as Uint8Array<ArrayBuffer>])
              : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ClusterUnreachableError(`the Ray dashboard at ${base} can't be reached (${cause})`);
    }
    return response;
  }

  async function failure(response: Response, what: string): Promise<ClusterReplyError> {
    const text = (await response.text().catch(() => '')).trim();
    // Ray puts a Python traceback in the body; its last line says what went wrong.
    const reason = text.split('\n').filter(Boolean).pop()?.slice(0, 500) ?? '';
    const auth = response.status === 401 || response.status === 403 ? ' (check the cluster token)' : '';
    return new ClusterReplyError(
      `${what}: the dashboard answered HTTP ${response.status}${auth}${reason ? `: ${reason}` : ''}`,
      response.status,
    );
  }

  async function json<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
    if (!response.ok) throw await failure(response, what);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ClusterReplyError(`${what}: the dashboard's reply is not JSON`, response.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ClusterReplyError(
        `${what}: the dashboard's reply is not what the Ray Jobs API describes (${parsed.error.issues
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')})`,
        response.status,
      );
    return parsed.data;
  }

  const job = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

  return {
    address: base,
    version: async (): Promise<RayVersion> =>
      json(await send('GET', '/api/version'), versionReply, 'checking the version'),
    /** Whether a package (`gcs://_ray_pkg_<hash>.zip`) is on the cluster already. */
    async hasPackage(uri: string): Promise<boolean> {
      const response = await send('GET', packagePath(uri));
      if (response.status === 404) return false;
      if (!response.ok) throw await failure(response, `checking for ${uri}`);
      return true;
    },
    async uploadPackage(uri: string, zip: Uint8Array): Promise<void> {
      const response = await send('PUT', packagePath(uri), zip);
      if (!response.ok) throw await failure(response, `uploading ${uri}`);
    },
    // The trailing slash matters: Ray routes POST /api/jobs/ and GET /api/jobs/, not /api/jobs.
    submit: async (request: RayJobRequest): Promise<{ submission_id: string }> =>
      json(
        await send('POST', '/api/jobs/', request),
        z.object({ submission_id: z.string() }),
        `submitting ${request.submission_id}`,
      ),
    /** The job's details; null when the cluster does not know it. */
    async job(id: string): Promise<RayJob | null> {
      const response = await send('GET', job(id));
      if (response.status === 404) return null;
      return json(response, jobReply, `reading job ${id}`);
    },
    list: async (): Promise<RayJob[]> => json(await send('GET', '/api/jobs/'), z.array(jobReply), 'listing jobs'),
    stop: async (id: string): Promise<boolean> =>
      (await json(await send('POST', `${job(id)}/stop`), z.object({ stopped: z.boolean() }), `stopping ${id}`)).stopped,
    /** Deletes a job that has ended (Ray refuses one that has not). */
    delete: async (id: string): Promise<boolean> =>
      (await json(await send('DELETE', job(id)), z.object({ deleted: z.boolean() }), `deleting ${id}`)).deleted,
    logs: async (id: string): Promise<string> =>
      (await json(await send('GET', `${job(id)}/logs`), z.object({ logs: z.string() }), `reading the logs of ${id}`))
        .logs,
    /** The WebSocket URL that streams a job's log from its start. */
    tailUrl: (id: string) => `${base.replace(/^http/, 'ws')}${job(id)}/logs/tail`,
    authHeaders: () => headers(),
  };
}

export type RayJobsClient = ReturnType<typeof rayJobsClient>;

/** `gcs://_ray_pkg_x.zip` → `/api/packages/gcs/_ray_pkg_x.zip`, as Ray's SDK splits it. */
export function packagePath(uri: string): string {
  const match = /^([a-z]+):\/\/([A-Za-z0-9_.-]+\.zip)$/.exec(uri);
  if (!match) throw new Error(`"${uri}" is not a package URI such as gcs://_ray_pkg_<hash>.zip`);
  return `/api/packages/${match[1]}/${match[2]}`;
}
