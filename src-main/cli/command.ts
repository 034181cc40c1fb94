import type { ChannelAnswer, ChannelName } from '../api/channels';
import type { Lab } from '../app/open-lab';

/** A mistake in how the command was typed: reported in one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (its value is then the list, in order). */
  multiple?: boolean;
  short?: string;
  /** Shown in --help, e.g. `--port N`. */
  label: string;
  description: string;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Redraws the status lines (one per active run) in place on a terminal (stderr); [] clears them. Absent where
   * output is not a terminal. */
  status?: (lines: string[]) => void;
}

export interface CommandContext {
  args: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  dataDir: string;
  /** Opens the database lazily, so `--help` never touches it. */
  lab(): Lab;
  io: CliIo;
  rendererDir: string;
  /** Folder of the built worker scripts (python-sandbox.js, sampler-worker.js). */
  workerDir: string;
  /** The checkout's bench/ folder (reference scripts); may not exist in a packaged app. */
  benchDir: string;
  /** Resolves when the user asks a long-running command to stop (Ctrl+C, SIGTERM). */
  stopSignal: Promise<void>;
}

export interface Command {
  /** Words that select it, e.g. ['runs', 'list']. */
  path: string[];
  /** Positional argument names, e.g. ['ID']. */
  args?: string[];
  summary: string;
  options?: Record<string, OptionSpec>;
  run(context: CommandContext): Promise<number>;
}

export const jsonOption: Record<string, OptionSpec> = {
  json: { type: 'boolean', label: '--json', description: 'print JSON instead of a table' },
};

/** Calls a channel through the same validating dispatcher the UI uses; failures become exit code 1. */
export async function callChannel<C extends ChannelName>(
  context: CommandContext,
  channel: C,
  input: unknown,
): Promise<ChannelAnswer<C>> {
  const result = await context.lab().dispatch(channel, input);
  if (!result.ok) {
    const details = result.error.issues?.map((issue) => `${issue.path || '(input)'}: ${issue.message}`).join('; ');
    throw new Error(details ? `${result.error.message} (${details})` : result.error.message);
  }
  return result.data as ChannelAnswer<C>;
}
