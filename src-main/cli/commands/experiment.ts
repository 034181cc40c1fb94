import { join } from 'node:path';
import { runExperiment } from '../../experiments/job';
import { EXPERIMENT_PRESETS, runConfigSchema, type ExperimentPresetId } from '../../experiments/run-config';
import { ALGORITHM_IDS, type AlgorithmId } from '../../rl/types';
import { callChannel, jsonOption, UsageError, type CliIo, type Command } from '../command';

/** Messages as lines; step progress redrawn in place on a terminal (a message after it starts a new line). */
function progressOutput(io: CliIo) {
  let statusShown = false;
  return {
    onProgress: (line: string) => {
      if (statusShown) io.err('');
      statusShown = false;
      io.err(line);
    },
    onStatus: io.status
      ? (line: string) => {
          io.status!(line);
          statusShown = true;
        }
      : (line: string) => io.err(line),
  };
}

const list = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

export const experimentStart: Command = {
  path: ['experiment', 'start'],
  summary: 'compare algorithms on benchmarks over seeds: cold start, RL runs, Pass@1/Pass@5, then the results table',
  options: {
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
    name: { type: 'string', label: '--name N', description: 'the experiment name' },
  },
  async run(context) {
    const presetId = String(context.options.preset ?? 'quick');
    if (!(presetId in EXPERIMENT_PRESETS))
      throw new UsageError(`--preset takes ${Object.keys(EXPERIMENT_PRESETS).join(', ')}, not "${presetId}"`);
    const preset = EXPERIMENT_PRESETS[presetId as ExperimentPresetId];
    const algorithms = (list(context.options.algos) ?? preset.algorithms) as AlgorithmId[];
    const unknown = algorithms.filter((a) => !(ALGORITHM_IDS as readonly string[]).includes(a));
    if (unknown.length > 0)
      throw new UsageError(`unknown algorithm ${unknown.join(', ')}; known: ${ALGORITHM_IDS.join(', ')}`);
    const benchmarks = list(context.options.benches) ?? [...preset.benchmarks];
    const seeds = (list(context.options.seeds) ?? preset.seeds.map(String)).map(Number);
    if (seeds.some((s) => !Number.isInteger(s) || s < 0))
      throw new UsageError(`--seeds takes whole numbers, not "${String(context.options.seeds)}"`);
    const config = runConfigSchema.parse(preset.config);
    const experiment = await callChannel(context, 'experiments.create', {
      name: String(context.options.name ?? `${presetId}: ${algorithms.join(', ')} on ${benchmarks.join(', ')}`).slice(
        0,
        200,
      ),
      config: { preset: presetId, algorithms, benchmarks, seeds, run: config },
    });
    const started = performance.now();
    const results = await runExperiment(
      context.lab(),
      experiment.id,
      { algorithms, benchmarks, seeds, config },
      {
        pythonSandbox: join(context.workerDir, 'python-sandbox.js'),
        ...progressOutput(context.io),
      },
    );
    context.io.err(`experiment ${experiment.id} done in ${((performance.now() - started) / 60_000).toFixed(1)} min`);
    if (context.options.json) context.io.out(JSON.stringify({ experiment: experiment.id, results }));
    else
      context.io.out(
        (await callChannel(context, 'experiments.export', { id: experiment.id, format: 'md' })).text.trimEnd(),
      );
    return 0;
  },
};

export const experimentResume: Command = {
  path: ['experiment', 'resume'],
  args: ['ID'],
  summary:
    'finish an interrupted experiment: finished runs are kept, interrupted ones continue from their last checkpoint',
  options: jsonOption,
  async run(context) {
    const id = Number(context.args[0]);
    if (!Number.isInteger(id) || id <= 0)
      throw new UsageError(`experiment resume needs an experiment ID, not "${context.args[0] ?? ''}"`);
    const experiment = await callChannel(context, 'experiments.get', { id });
    const stored = experiment.config as {
      algorithms?: AlgorithmId[];
      benchmarks?: string[];
      seeds?: number[];
      run?: unknown;
    };
    if (!stored.algorithms || !stored.benchmarks || !stored.seeds)
      throw new Error(`experiment ${id} was not started by 'aepo-lab experiment start', so it has no plan to resume`);
    const config = runConfigSchema.parse(stored.run ?? {});
    const results = await runExperiment(
      context.lab(),
      id,
      { algorithms: stored.algorithms, benchmarks: stored.benchmarks, seeds: stored.seeds, config },
      {
        pythonSandbox: join(context.workerDir, 'python-sandbox.js'),
        ...progressOutput(context.io),
      },
    );
    if (context.options.json) context.io.out(JSON.stringify({ experiment: id, results }));
    else context.io.out((await callChannel(context, 'experiments.export', { id, format: 'md' })).text.trimEnd());
    return 0;
  },
};
