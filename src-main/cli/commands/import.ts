import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { callChannel, jsonOption, UsageError, type Command } from '../command';

/** `aepo-lab import verl FILE.jsonl`: a verl run's file-logger output as a run of its own (or of an experiment). */
export const importVerl: Command = {
  path: ['import', 'verl'],
  args: ['FILE'],
  summary:
    'import a verl run from its file logger (one {"step": N, "data": {...}} per line); the same file twice changes nothing',
  options: {
    ...jsonOption,
    experiment: { type: 'string', label: '--experiment ID', description: 'add the run to this experiment' },
    algorithm: { type: 'string', label: '--algorithm A', description: 'what the run trained with (default verl)' },
    benchmark: { type: 'string', label: '--benchmark B', description: 'what it trained on (default unknown)' },
    seed: { type: 'string', label: '--seed S', description: 'its seed (default 0)' },
  },
  async run(context) {
    const [file] = context.args;
    if (!file) throw new UsageError('import verl needs a FILE');
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const whole = (name: string) => {
      const value = context.options[name];
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, not "${String(value)}"`);
      return n;
    };
    const result = await callChannel(context, 'runs.import', {
      format: 'verl',
      fileName: file,
      content,
      experimentId: whole('experiment') ?? null,
      algorithm: context.options.algorithm,
      benchmark: context.options.benchmark,
      seed: whole('seed'),
    });
    context.io.out(
      context.options.json
        ? JSON.stringify(result)
        : result.unchanged
          ? `${file} was imported before, as run ${result.runId}: nothing changed`
          : `${file}: run ${result.runId}, ${result.steps} steps, ${result.points} metric points`,
    );
    return 0;
  },
};

/** `aepo-lab import trackio FILE.db`: every run of a Trackio project database, with its config and metrics. */
export const importTrackioCommand: Command = {
  path: ['import', 'trackio'],
  args: ['FILE'],
  summary:
    'import the runs of a Trackio project database (configs and metrics); runs imported before are left as they are',
  options: {
    ...jsonOption,
    project: {
      type: 'string',
      label: '--project P',
      description: 'only this project (older Trackio files hold several)',
    },
  },
  async run(context) {
    const [file] = context.args;
    if (!file) throw new UsageError('import trackio needs a FILE.db');
    const experiment = context.options.experiment === undefined ? null : Number(context.options.experiment);
    if (experiment !== null && (!Number.isInteger(experiment) || experiment <= 0))
      throw new UsageError(`--experiment takes an experiment ID, not "${String(context.options.experiment)}"`);
    const result = await callChannel(context, 'runs.importTrackio', {
      path: resolve(file),
      project: context.options.project,
      experimentId: experiment,
    });
    if (context.options.json) context.io.out(JSON.stringify(result));
    else
      for (const run of result.runs)
        context.io.out(
          run.unchanged
            ? `${run.name}: imported before, as run ${run.runId}; nothing changed`
            : `${run.name}: run ${run.runId}, ${run.steps} steps`,
        );
    return 0;
  },
};
