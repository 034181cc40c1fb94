import { renameSync, writeFileSync } from 'node:fs';
import { EXPORT_FORMATS } from '../../experiments/export-formats';
import { callChannel, UsageError, type Command } from '../command';

export const exportCommand: Command = {
  path: ['export'],
  args: ['EXPERIMENT'],
  summary: "an experiment's results table: one row per algorithm (and the base checkpoint), one column per benchmark",
  options: {
    format: { type: 'string', label: '--format csv|md|latex', description: 'table format (default md)' },
    metric: { type: 'string', label: '--metric pass@1|pass@5', description: 'which evaluation (default pass@1)' },
    out: { type: 'string', label: '--out FILE', description: 'write the table to FILE instead of printing it' },
  },
  async run(context) {
    const id = Number(context.args[0]);
    if (!Number.isInteger(id) || id <= 0)
      throw new UsageError(`export needs an experiment ID, not "${context.args[0] ?? ''}"`);
    const format = context.options.format ?? 'md';
    if (!(EXPORT_FORMATS as readonly unknown[]).includes(format))
      throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}, not "${String(format)}"`);
    const table = await callChannel(context, 'experiments.export', {
      id,
      format,
      metric: context.options.metric ?? 'pass@1',
    });
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
