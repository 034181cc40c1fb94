import type { z } from 'zod';
import { DatabaseStateError, LabError } from '../core/errors';
import { channels, isChannelName, type ChannelAnswer, type ChannelName, type ChannelRequest } from './channels';
import type { ApiIssue, ApiResult } from './result';

export type Handlers = {
  [C in ChannelName]: (request: ChannelRequest<C>) => ChannelAnswer<C> | Promise<ChannelAnswer<C>>;
};

export type Dispatch = (channel: string, input: unknown) => Promise<ApiResult<unknown>>;

function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** No channel's input needs more: config diffs and imports nest a handful of levels. */
export const MAX_INPUT_DEPTH = 64;

/** Whether a JSON value nests arrays and objects deeper than `limit`, found without recursion. */
function nestedDeeper(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The single entry from every transport: checks the channel, validates the input against its schema, runs the
 * handler, and turns any failure into an error envelope. Nothing unvalidated reaches a service.
 */
export function createDispatch(handlers: Handlers, logError: (error: unknown) => void = console.error): Dispatch {
  return async (channel, input) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'unknown_channel', message: `unknown channel "${channel}"` } };
    }
    // Validation recurses through the input: a hostile one nested thousands deep would overflow the stack (a 500).
    if (nestedDeeper(input, MAX_INPUT_DEPTH)) {
      const message = `invalid input for ${channel}: nested deeper than ${MAX_INPUT_DEPTH} levels`;
      return { ok: false, error: { code: 'invalid_input', message, issues: [{ path: '', message }] } };
    }
    const parsed = channels[channel].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      const where = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return { ok: false, error: { code: 'invalid_input', message: `invalid input for ${channel}: ${where}`, issues } };
    }
    try {
      const handler = handlers[channel] as (request: unknown) => unknown;
      return { ok: true, data: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof LabError)
        return {
          ok: false,
          error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
        };
      if (!(error instanceof DatabaseStateError)) logError(error);
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'internal', message: `${channel} failed: ${message}` } };
    }
  };
}
