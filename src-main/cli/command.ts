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
  short?: string;
  /** Shown in --help, e.g. `--port N`. */
  label: string;
  description: string;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CommandContext {
  args: string[];
  options: Record<string, string | boolean | undefined>;
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
