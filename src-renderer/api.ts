/**
 * The renderer's typed client. In Electron it calls the preload's `window.aepoLab`; in serve mode it posts to
 * `/api/<channel>` with the access token and listens to `/api/events` (SSE). Both give the same `LabApi`, which
 * answers with values and throws `ApiError`.
 */
import type {
  ApiErrorBody,
  ApiIssue,
  ApiResult,
  LabApi,
  LabBridge,
  LabEventName,
  LabEvents,
  Subscribe,
} from '../src-main/api/typed-api';

export class ApiError extends Error {
  readonly code: string;
  readonly issues: ApiIssue[];
  constructor(body: ApiErrorBody | { code: string; message: string; issues?: ApiIssue[] }) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.issues = body.issues ?? [];
  }
}

function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.data;
  throw new ApiError(result.error);
}

type Invoke = (channel: string, input: unknown) => Promise<unknown>;

/** `api.runs.list(x)` → invoke('runs.list', x), for any group and method. */
function grouped(invoke: Invoke, on: Subscribe): LabApi {
  return new Proxy({} as LabApi, {
    get(_target, group) {
      if (group === 'on') return on;
      if (typeof group !== 'string' || group === 'then') return undefined;
      return new Proxy(
        {},
        {
          get: (_t, method) =>
            typeof method === 'string' ? (input?: unknown) => invoke(`${group}.${method}`, input ?? {}) : undefined,
        },
      );
    },
  });
}

function overBridge(bridge: LabBridge): LabApi {
  const table = bridge as unknown as Record<string, Record<string, (input: unknown) => Promise<ApiResult<unknown>>>>;
  return grouped(async (channel, input) => {
    const [group = '', method = ''] = channel.split('.');
    const call = table[group]?.[method];
    if (!call) throw new ApiError({ code: 'unknown_channel', message: `unknown channel "${channel}"` });
    return unwrap(await call(input));
  }, bridge.on);
}

const TOKEN_KEY = 'aepo-lab.token';

/** Takes the token from `?token=` once, keeps it for this tab, and removes it from the address bar. */
function accessToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function overHttp(): LabApi {
  const token = accessToken();
  let source: EventSource | undefined;
  const on: Subscribe = <E extends LabEventName>(event: E, listener: (payload: LabEvents[E]) => void) => {
    source ??= new EventSource('/api/events');
    const handler = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as LabEvents[E]);
    source.addEventListener(event, handler);
    return () => source?.removeEventListener(event, handler);
  };
  return grouped(async (channel, input) => {
    const response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    if (response.status === 401) {
      throw new ApiError({
        code: 'unauthorized',
        message: 'Not signed in: open the URL (with its token) that `aepo-lab serve` printed.',
      });
    }
    return unwrap((await response.json()) as ApiResult<unknown>);
  }, on);
}

export const transport: 'electron' | 'http' = window.aepoLab ? 'electron' : 'http';
export const api: LabApi = window.aepoLab ? overBridge(window.aepoLab) : overHttp();
