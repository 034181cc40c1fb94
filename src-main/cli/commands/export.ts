import { EXPORT_FORMATS } from '../../experiments/results/export-formats';
import { BOLD_RULES } from '../../experiments/results/results-table';
import { callChannel, UsageError, type Command } from '../command';
import { writeWhole } from '../format';
import { experimentId } from './experiment';
import { writeStudyReport } from './study';

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
    bold: {
      type: 'string',
      label: '--bold significant|best',
      description:
        'significant (default): every row the data cannot tell from the best; best: the highest mean as printed',
    },
    reference: {
      type: 'string',
      label: '--reference ROW',
      description: 'the row compared with every other (default aepo, else the first after base; with --runs a run ID)',
    },
    resamples: { type: 'string', label: '--resamples N', description: 'bootstrap resamples (default 2000)' },
    'bootstrap-seed': { type: 'string', label: '--bootstrap-seed N', description: "the bootstrap's seed (default 0)" },
    out: { type: 'string', label: '--out FILE', description: 'write the table to FILE instead of printing it' },
    report: {
      type: 'string',
      label: '--report DIR',
      description:
        "a study's report instead: README.md and figures/ (SVG and PNG) in DIR (as `study report` writes it)",
    },
    profile: {
      type: 'string',
      label: '--profile FILE.svg',
      description: "also write the experiment's performance profile (share of run × benchmark scores above τ) as SVG",
    },
  },
  async run(context) {
    if (typeof context.options.report === 'string') {
      context.io.err(
        `wrote ${await writeStudyReport(context, experimentId(context, 'report'), context.options.report)}`,
      );
      return 0;
    }
    const format = context.options.format ?? 'md';
    if (!(EXPORT_FORMATS as readonly unknown[]).includes(format))
      throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}, not "${String(format)}"`);
    const metric = context.options.metric ?? 'pass@1';
    const bold = context.options.bold ?? 'significant';
    if (!(BOLD_RULES as readonly unknown[]).includes(bold))
      throw new UsageError(`--bold takes ${BOLD_RULES.join(' or ')}, not "${String(bold)}"`);
    const count = (name: 'resamples' | 'bootstrap-seed') => {
      const text = context.options[name];
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, not "${String(text)}"`);
      return n;
    };
    const options = { metric, bold, resamples: count('resamples'), bootstrapSeed: count('bootstrap-seed') };
    const reference = context.options.reference;
    let table;
    if (typeof context.options.runs === 'string') {
      const ids = context.options.runs.split(',').map(Number);
      if (ids.some((n) => !Number.isInteger(n) || n <= 0) || ids.length > 8)
        throw new UsageError(`--runs takes up to 8 run IDs, e.g. 4,7,9, not "${context.options.runs}"`);
      const baseline = reference === undefined ? undefined : Number(reference);
      if (baseline !== undefined && !Number.isInteger(baseline))
        throw new UsageError(`with --runs, --reference takes a run ID, not "${String(reference)}"`);
      table = await callChannel(context, 'runs.export', { ids, format, ...options, reference: baseline });
    } else {
      const id = Number(context.args[0]);
      if (!Number.isInteger(id) || id <= 0)
        throw new UsageError(`export needs an experiment ID (or --runs), not "${context.args[0] ?? ''}"`);
      table = await callChannel(context, 'experiments.export', { id, format, ...options, reference });
    }
    if (typeof context.options.profile === 'string') {
      if (typeof context.options.runs === 'string') throw new UsageError('--profile is for an experiment, not --runs');
      if (!context.options.profile.endsWith('.svg'))
        throw new UsageError(`--profile writes SVG: give a FILE.svg, not "${context.options.profile}"`);
      const { svg } = await callChannel(context, 'experiments.profile', {
        id: Number(context.args[0]),
        ...options,
        reference,
      });
      writeWhole(context.options.profile, svg);
      context.io.err(`wrote ${context.options.profile}`);
    }
    const out = context.options.out;
    if (typeof out === 'string') {
      writeWhole(out, table.text);
      context.io.err(`wrote ${out}`);
    } else context.io.out(table.text.replace(/\n$/, ''));
    return 0;
  },
};
