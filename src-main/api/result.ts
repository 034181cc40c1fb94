/** The envelope every channel answers with, over IPC and HTTP alike (errors can't cross contextBridge as classes). */
export type ApiErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unknown_channel' | 'internal';

export interface ApiIssue {
  /** Dotted path of the offending field, e.g. `seed` or `config.lr`; empty for the whole input. */
  path: string;
  message: string;
}

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  issues?: ApiIssue[];
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  unknown_channel: 404,
  conflict: 409,
  internal: 500,
};
