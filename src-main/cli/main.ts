import { parseArgs } from 'node:util';
import { openLab, type Lab } from '../app/open-lab';
import { resolveDataDir } from '../app/paths';
import { APP_VERSION } from '../core/version';
import { DatabaseStateError } from '../core/errors';
import { UsageError, type CliIo, type Command, type OptionSpec } from './command';
import { bench } from './commands/bench';
import { benchmarksGenerate, benchmarksImport, benchmarksList, evaluate, score } from './commands/benchmarks';
import { conformance } from './commands/conformance';
import { exportCommand } from './commands/export';
import { importTrackioCommand, importVerl } from './commands/import';
import { clusterAdd, clusterAlgorithms, clusterCheck, clusterList, clusterRemove } from './commands/cluster';
import { experimentSubmit, experimentWatch } from './commands/experiment-cluster';
import {
  experimentCancel,
  experimentCreate,
  experimentFields,
  experimentPause,
  experimentResume,
  experimentStart,
} from './commands/experiment';
import { builtWorkers } from '../app/run-workers';
import type { RunnerWorkers } from '../experiments/execution/experiment-runner';
import { runsList, runsShow } from './commands/runs';
import { serve } from './commands/serve';
import { studyPaperClaims, studyReport } from './commands/study';
import { tool, toolCacheImport } from './commands/tools';

export const COMMANDS: Command[] = [
  serve,
  runsList,
  runsShow,
  benchmarksImport,
  benchmarksGenerate,
  benchmarksList,
  score,
  evaluate,
  tool,
  toolCacheImport,
  bench,
  conformance,
  experimentStart,
  experimentCreate,
  experimentFields,
  experimentResume,
  experimentPause,
  experimentCancel,
  experimentSubmit,
  experimentWatch,
  studyPaperClaims,
  studyReport,
  clusterAdd,
  clusterList,
  clusterCheck,
  clusterRemove,
  clusterAlgorithms,
  exportCommand,
  importVerl,
  importTrackioCommand,
];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': {
    type: 'string',
    label: '--data-dir DIR',
    description: 'where the database lives (default: $AEPO_LAB_HOME, else the OS app-data folder)',
  },
  help: { type: 'boolean', short: 'h', label: '--help, -h', description: 'show this help' },
  version: { type: 'boolean', short: 'v', label: '--version, -v', description: 'print the version' },
};

function helpText(): string {
  const name = (c: Command) => [...c.path, ...(c.args ?? [])].join(' ');
  const width = Math.max(...COMMANDS.map((c) => name(c).length));
  const lines = [
    `aepo-lab ${APP_VERSION}: experiment manager for agentic RL (AEPO and its baselines)`,
    '',
    'Usage: aepo-lab <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [
      `  ${name(c).padEnd(width)}  ${c.summary}`,
      ...Object.values(c.options ?? {}).map((o) => `  ${''.padEnd(width)}    ${o.label.padEnd(16)} ${o.description}`),
    ]),
    '',
    'Global options:',
    ...Object.values(GLOBAL_OPTIONS).map((o) => `  ${o.label.padEnd(16)} ${o.description}`),
    '',
    'Exit codes: 0 done, 1 failed, 2 bad command line.',
  ];
  return lines.join('\n');
}

function findCommand(words: string[]): Command {
  const command = COMMANDS.find((c) => c.path.every((word, i) => words[i] === word));
  if (command) return command;
  const group = COMMANDS.filter((c) => c.path[0] === words[0]);
  if (group.length > 0) {
    const subs = group.map((c) => c.path.slice(1).join(' ')).join(', ');
    throw new UsageError(`unknown command "${words.join(' ')}"; "${words[0]}" takes: ${subs}`);
  }
  throw new UsageError(`unknown command "${words[0]}"`);
}

export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  io: CliIo;
  rendererDir: string;
  benchDir: string;
  workerDir: string;
  /** How runs' worker threads start; default the built scripts in `workerDir` (tests: the TypeScript sources). */
  workers?: RunnerWorkers;
  stopSignal: Promise<void>;
}

/** Runs one command line; returns the exit code. Never calls process.exit, so tests can run it in-process. */
export async function runCli(argv: string[], environment: CliEnvironment): Promise<number> {
  const { io } = environment;
  let lab: Lab | undefined;
  try {
    const allOptions: Record<string, OptionSpec> = Object.assign(
      {},
      GLOBAL_OPTIONS,
      ...COMMANDS.map((c) => c.options ?? {}),
    );
    const parseOptions = Object.fromEntries(
      Object.entries(allOptions).map(([key, o]) => [
        key,
        { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
      ]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: parseOptions, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
    }
    const { values, positionals } = parsed;
    if (values.version) {
      io.out(`aepo-lab ${APP_VERSION}`);
      return 0;
    }
    if (values.help || positionals.length === 0) {
      io.out(helpText());
      return 0;
    }
    const command = findCommand(positionals);
    const allowed = new Set([...Object.keys(GLOBAL_OPTIONS), ...Object.keys(command.options ?? {})]);
    const stray = Object.keys(values).find((key) => !allowed.has(key));
    if (stray) throw new UsageError(`option --${stray} does not apply to "${command.path.join(' ')}"`);
    const args = positionals.slice(command.path.length);
    if (args.length > (command.args?.length ?? 0)) {
      throw new UsageError(`unexpected argument "${args[command.args?.length ?? 0]}" for "${command.path.join(' ')}"`);
    }
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined, environment.env);
    return await command.run({
      args,
      options: values as Record<string, string | boolean | string[] | undefined>,
      dataDir,
      lab: () =>
        (lab ??= openLab({
          dataDir,
          mode: 'cli',
          logError: (e) => io.err(String(e)),
          workers: environment.workers ?? builtWorkers(environment.workerDir),
        })),
      io,
      rendererDir: environment.rendererDir,
      benchDir: environment.benchDir,
      workerDir: environment.workerDir,
      stopSignal: environment.stopSignal,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`aepo-lab: ${error.message} (see aepo-lab --help)`);
      return 2;
    }
    const message = error instanceof DatabaseStateError || error instanceof Error ? error.message : String(error);
    io.err(`aepo-lab: ${message}`);
    return 1;
  } finally {
    lab?.close();
  }
}
