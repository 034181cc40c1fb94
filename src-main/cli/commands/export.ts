import { renameSync, writeFileSync } from 'node:fs';
import { EXPORT_FORMATS } from '../../experiments/export-formats';
import { callChannel, UsageError, type Command } from '../command';

export const exportCommand: Command = {
  path: ['export'],
  args: ['EXPERIMENT'],
  summary:
    "an experiment's results table: one row per algorithm (and the base checkpoint), one column per benchmark; or chosen runs' (--runs)",
  options: {
    runs: {
      type: 'string',
      label: '--runs 4,7,9',
      description: 'the table of these runs instead (as Compare shows it)',
    },
    format: { type: 'string', label: '--format csv|md|latex', description: 'table format (default md)' },
    metric: { type: 'string', label: '--metric pass@1|pass@5', description: 'which evaluation (default pass@1)' },
    out: { type: 'string', label: '--out FILE', description: 'write the table to FILE instead of printing it' },
  },
  async run(context) {
    const format = context.options.format ?? 'md';
    if (!(EXPORT_FORMATS as readonly unknown[]).includes(format))
      throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}, not "${String(format)}"`);
    const metric = context.options.metric ?? 'pass@1';
    let table;
    if (typeof context.options.runs === 'string') {
      const ids = context.options.runs.split(',').map(Number);
      if (ids.some((n) => !Number.isInteger(n) || n <= 0) || ids.length > 8)
        throw new UsageError(`--runs takes up to 8 run IDs, e.g. 4,7,9, not "${context.options.runs}"`);
      table = await callChannel(context, 'runs.export', { ids, format, metric });
    } else {
      const id = Number(context.args[0]);
      if (!Number.isInteger(id) || id <= 0)
        throw new UsageError(`export needs an experiment ID (or --runs), not "${context.args[0] ?? ''}"`);
      table = await callChannel(context, 'experiments.export', { id, format, metric });
    }
    const out = context.options.out;
    if (typeof out === 'string') {
      // Written whole or not at all: a half-written table must never be mistaken for a result.
      writeFileSync(`${out}.tmp`, table.text);
      renameSync(`${out}.tmp`, out);
      context.io.err(`wrote ${out}`);
    } else context.io.out(table.text.replace(/\n$/, ''));
    return 0;
  },
};
