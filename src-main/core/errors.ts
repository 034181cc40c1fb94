/**
 * Errors that carry a stable code, so every front end (IPC, HTTP, CLI) can report them the same way
 * without string matching. Anything else that escapes a handler is reported as `internal`.
 */
export type LabErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unknown_channel' | 'internal';

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
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
