import { EXPERIMENT_PRESETS } from '../../experiments/plan/run-config';
import type { Estimate } from '../../experiments/plan/estimate';
import { callChannel, jsonOption, UsageError, type Command, type CommandContext } from '../command';
import { configDiffFromOptions, configOptions } from '../config-options';
import { followExperiment } from '../experiment-progress';

/** `a, b,c` → ['a', 'b', 'c']; undefined when the option was not given. */
export const list = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

export function experimentId(context: CommandContext, verb: string): number {
  const id = Number(context.args[0]);
  if (!Number.isInteger(id) || id <= 0)
    throw new UsageError(`experiment ${verb} needs an experiment ID, not "${context.args[0] ?? ''}"`);
  return id;
}

const planOptions: Command['options'] = {
  ...jsonOption,
  preset: {
    type: 'string',
    label: '--preset smoke|quick|paper',
    description: 'what to compare and how long (default quick)',
  },
  algos: { type: 'string', label: '--algos a,b', description: "algorithms instead of the preset's (e.g. aepo,grpo)" },
  benches: {
    type: 'string',
    label: '--benches x,y',
    description: "mini suites instead of the preset's (e.g. mini-gsm8k)",
  },
  seeds: { type: 'string', label: '--seeds 1,2', description: "seeds instead of the preset's" },
  variant: {
    type: 'string',
    label: '--variant paper|released',
    description: "setting bundle: the papers' methods (default) or the authors' released scripts",
  },
  name: { type: 'string', label: '--name N', description: 'the experiment name' },
  study: {
    type: 'string',
    label: '--study paper-claims',
    description: 'mark it as a study of your own design, so `study report` reads it',
  },
  ...configOptions,
};

/** "quick: aepo, grpo on mini-gsm8k"; long lists are counted instead, so the name stays within its 200 characters. */
function defaultName(preset: string, algorithms?: string[], benchmarks?: string[]): string {
  const listed = (items: string[] | undefined, none: string, what: string) =>
    !items ? none : items.length <= 4 ? items.join(', ') : `${items.length} ${what}`;
  return `${preset}: ${listed(algorithms, 'all algorithms', 'algorithms')} on ${listed(benchmarks, 'the preset benchmarks', 'benchmarks')}`;
}

/** Creates the experiment the options describe, through the same channel as the app; answers its id and runs. */
async function createExperiment(context: CommandContext): Promise<{ id: number; runs: number; estimate: Estimate }> {
  const preset = String(context.options.preset ?? 'quick');
  if (!(preset in EXPERIMENT_PRESETS))
    throw new UsageError(`--preset takes ${Object.keys(EXPERIMENT_PRESETS).join(', ')}, not "${preset}"`);
  const seeds = list(context.options.seeds)?.map(Number);
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0))
    throw new UsageError(`--seeds takes whole numbers, not "${String(context.options.seeds)}"`);
  const algorithms = list(context.options.algos);
  const benchmarks = list(context.options.benches);
  const { fields } = await callChannel(context, 'experiments.options', {});
  const variant = context.options.variant;
  const assignments = [
    ...(typeof variant === 'string' ? [`algorithmSettings.variant=${variant}`] : []),
    ...((context.options.set as string[] | undefined) ?? []),
  ];
  const config = configDiffFromOptions(fields, context.options.config as string | undefined, assignments);
  const plan = {
    name: context.options.name ?? defaultName(preset, algorithms, benchmarks),
    preset,
    algorithms,
    benchmarks,
    seeds,
    ...(config === undefined ? {} : { config }),
    ...(typeof context.options.study === 'string' ? { study: context.options.study } : {}),
  };
  const created = await context.lab().dispatch('experiments.create', plan);
  // A wrong id or value on the command line is a usage error (exit 2), each field's problem at its path.
  if (!created.ok)
    throw new UsageError(
      created.error.issues?.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') ??
        created.error.message,
    );
  const id = (created.data as { id: number }).id;
  // Time and power, as the New Experiment form states them.
  const estimate = await callChannel(context, 'experiments.estimate', plan);
  return { id, runs: (await callChannel(context, 'runs.list', { experimentId: id })).length, estimate };
}

export const experimentStart: Command = {
  path: ['experiment', 'start'],
  summary: 'compare algorithms on benchmarks over seeds: cold start, RL runs, Pass@1/Pass@5, then the results table',
  options: planOptions,
  async run(context) {
    return followExperiment(context, (await createExperiment(context)).id, 'experiments.start');
  },
};

/** `experiment create`: the experiment and its runs, not started (to start later, or to send to a cluster). */
export const experimentCreate: Command = {
  path: ['experiment', 'create'],
  summary: 'create an experiment and its runs without starting them (start with `experiment resume ID`, or submit it)',
  options: planOptions,
  async run(context) {
    const { id, runs, estimate } = await createExperiment(context);
    const { detectable } = estimate;
    context.io.out(
      context.options.json
        ? JSON.stringify({ experiment: id, runs, estimate })
        : `experiment ${id}: ${runs} runs, none started; about ${Math.round(estimate.seconds / 60)} min here; ` +
            `smallest paired difference it detects (80 % power, α = 0.05): ${detectable.largest.toFixed(1)} points ` +
            `on its noisiest benchmark, ${detectable.overall.toFixed(1)} on the overall average`,
    );
    return 0;
  },
};

export const experimentResume: Command = {
  path: ['experiment', 'resume'],
  args: ['ID'],
  summary:
    'finish an interrupted or paused experiment: finished runs are kept, the others continue from their last checkpoint',
  options: jsonOption,
  run: (context) => followExperiment(context, experimentId(context, 'resume'), 'experiments.resume'),
};

/** `experiment pause ID` and `experiment cancel ID`: one channel call, and how many runs it reached. */
function controlCommand(verb: 'pause' | 'cancel', summary: string, done: string): Command {
  return {
    path: ['experiment', verb],
    args: ['ID'],
    summary,
    async run(context) {
      const id = experimentId(context, verb);
      const { runs } = await callChannel(context, verb === 'pause' ? 'experiments.pause' : 'experiments.cancel', {
        id,
      });
      context.io.out(
        runs === 0 ? `experiment ${id} has no run to ${verb}` : `experiment ${id}: ${runs} run(s) ${done}`,
      );
      return 0;
    },
  };
}

export const experimentPause = controlCommand(
  'pause',
  "pause an experiment's runs after their current step (with a checkpoint); resume continues them",
  'pausing',
);

export const experimentCancel = controlCommand(
  'cancel',
  "stop an experiment's runs now; what they recorded stays",
  'cancelled',
);

/** `experiment fields`: every run config field `--set` and the form take, with its type, default and doc line. */
export const experimentFields: Command = {
  path: ['experiment', 'fields'],
  summary: 'list the run config fields that --set and --config take (path, type, default, what it does)',
  options: jsonOption,
  async run(context) {
    const { fields } = await callChannel(context, 'experiments.options', {});
    if (context.options.json) context.io.out(JSON.stringify(fields));
    else
      for (const field of fields) {
        const range = [field.minimum, field.maximum].some((b) => b !== undefined)
          ? ` [${field.minimum ?? ''}, ${field.maximum ?? ''}]`
          : '';
        const type = field.choices ? field.choices.join('|') : `${field.type}${range}`;
        const fallback = field.default === null ? "the algorithm's" : JSON.stringify(field.default);
        context.io.out(
          `${field.path}  ${type}${field.nullable ? ' or null' : ''}  (default ${fallback})\n    ${field.doc}`,
        );
      }
    return 0;
  },
};
