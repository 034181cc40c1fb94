import { readFileSync } from 'node:fs';
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
