/**
 * Errors that carry a stable code, so every front end (IPC, HTTP, CLI) can report them the same way
 * without string matching. Anything else that escapes a handler is reported as `internal`.
 */
export type LabErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unknown_channel' | 'internal';

/** One problem with a request, at the dotted path of its field (`config.training.steps`). */
export interface LabIssue {
  path: string;
  message: string;
}

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
    /** Per-field problems, where the error is about fields of the request. */
    readonly issues?: LabIssue[],
  ) {
    super(message);
    this.name = 'LabError';
  }
}

export class NotFoundError extends LabError {
  constructor(what: string, id: number | string) {
    super('not_found', `${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** The database can't be used as it is; the message says why and what the user can do. Nothing was written. */
export class DatabaseStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseStateError';
  }
}
