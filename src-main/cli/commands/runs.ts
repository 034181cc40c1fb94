import type { Run } from '../../store/records';
import { callChannel as call, jsonOption, UsageError, type Command } from '../command';
import { formatDuration, formatTime } from '../../api/units';
import { formatTable } from '../format';

const runDuration = (run: Run) => formatDuration(run.startedAt, run.finishedAt);

export const runsList: Command = {
  path: ['runs', 'list'],
  summary: 'list runs, newest first',
  options: {
    ...jsonOption,
    status: { type: 'string', label: '--status S', description: 'only runs with this status (queued, running, ...)' },
    experiment: { type: 'string', label: '--experiment ID', description: 'only runs of this experiment' },
  },
  async run(context) {
    const { status, experiment } = context.options;
    const experimentId = experiment === undefined ? undefined : Number(experiment);
    if (experimentId !== undefined && !Number.isInteger(experimentId)) {
      throw new UsageError(`--experiment takes a number, not "${String(experiment)}"`);
    }
    const runs = await call(context, 'runs.list', { status, experimentId });
    if (context.options.json) {
      context.io.out(JSON.stringify(runs, null, 2));
    } else if (runs.length === 0) {
      const filtered = status !== undefined || experimentId !== undefined;
      context.io.out(filtered ? 'No runs match.' : 'No runs yet. Start one from the app, or see `aepo-lab --help`.');
    } else {
      const rows = runs.map((run) => [
        String(run.id),
        run.algorithm,
        run.benchmark,
        String(run.seed),
        run.status,
        formatTime(run.createdAt),
        runDuration(run),
      ]);
      context.io.out(formatTable(['ID', 'ALGORITHM', 'BENCHMARK', 'SEED', 'STATUS', 'CREATED', 'DURATION'], rows));
    }
    return 0;
  },
};

export const runsShow: Command = {
  path: ['runs', 'show'],
  args: ['ID'],
  summary: 'show one run with its config',
  options: jsonOption,
  async run(context) {
    const [rawId] = context.args;
    const id = Number(rawId);
    if (rawId === undefined) throw new UsageError('runs show needs a run ID');
    if (!Number.isInteger(id) || id <= 0) throw new UsageError(`run ID must be a positive integer, not "${rawId}"`);
    const run = await call(context, 'runs.get', { id });
    if (context.options.json) {
      context.io.out(JSON.stringify(run, null, 2));
      return 0;
    }
    const fields: [string, string][] = [
      ['run', `${run.id}${run.name ? ` (${run.name})` : ''}`],
      ['experiment', run.experimentId === null ? '' : String(run.experimentId)],
      ['algorithm', run.algorithm],
      ['benchmark', run.benchmark],
      ['seed', String(run.seed)],
      ['status', run.error ? `${run.status}: ${run.error}` : run.status],
      ['backend', run.backend ?? ''],
      ['app version', run.appVersion],
      ['created', formatTime(run.createdAt)],
      ['started', formatTime(run.startedAt)],
      ['finished', formatTime(run.finishedAt)],
      ['duration', runDuration(run)],
    ];
    context.io.out(fields.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n'));
    context.io.out(`config\n${JSON.stringify(run.config, null, 2)}`);
    return 0;
  },
};
