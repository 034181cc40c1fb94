/**
 * An experiment's plan: algorithms × benchmarks × seeds with one run config (a preset's diff over the defaults, then
 * the user's own diff over that). Creating an experiment creates all its runs at once, queued: the base checkpoint's
 * row per seed (algorithm `base`, benchmark `all`), then one run per (algorithm, benchmark, seed).
 */
import { z } from 'zod';
import { benchmarkInfo, MINI_SUITES } from '../../benchmarks/mini/catalogue';
import { ALGORITHM_IDS } from '../../rl/types';
import { configFields, type ConfigField } from './config-fields';
import type { Services } from '../../services';
import type { Experiment, JsonObject, Run } from '../../store/records';
import type { AlgorithmId } from '../../rl/types';
import { LabError } from '../../core/errors';
import { layered, runConfigDiffSchema, type RunConfigDiff } from './config-diff';
import {
  algorithmId,
  configIssues,
  describeConfigError,
  EXPERIMENT_PRESETS,
  runConfigSchema,
  type ExperimentPresetId,
  type RunConfig,
  type RunConfigInput,
} from './run-config';

const PRESET_IDS = Object.keys(EXPERIMENT_PRESETS) as [ExperimentPresetId, ...ExperimentPresetId[]];
const MINI_IDS = Object.keys(MINI_SUITES);

/** Studies: experiments planned to test a paper's claims, with a report of their own (docs/study/). */
export const STUDY_IDS = ['paper-claims'] as const;
export type StudyId = (typeof STUDY_IDS)[number];

/** What `experiments.create` takes; left out, the preset's algorithms, benchmarks and seeds. */
export const experimentPlanInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(10_000).optional(),
    /** The starting point: smoke (minutes), quick (half an hour here) or paper (hours). */
    preset: z.enum(PRESET_IDS, { error: `preset is one of ${PRESET_IDS.join(', ')}` }).default('quick'),
    algorithms: z.array(algorithmId).min(1).max(ALGORITHM_IDS.length).optional(),
    /** The study that planned it (experiments/study/), whose report reads its runs; absent for a plain experiment. */
    study: z.enum(STUDY_IDS).optional(),
    // Training needs a suite with demonstrations and a corpus: the generated mini suites.
    benchmarks: z
      .array(
        z.string().refine((id) => MINI_IDS.includes(id), {
          error: (issue) => `"${String(issue.input)}" can't be trained on; the mini suites can: ${MINI_IDS.join(', ')}`,
        }),
      )
      .min(1)
      .max(MINI_IDS.length)
      .optional(),
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .min(1)
      .max(32)
      .optional(),
    /** Changes to the preset's run config (any field of RunConfig, at any depth; the rest stays the preset's). */
    config: runConfigDiffSchema.optional(),
  })
  .strict();

export type ExperimentPlanInput = z.input<typeof experimentPlanInput>;

/**
 * What an experiment stores: its preset, what it compares and the user's diff over the preset. The resolved config
 * lives on each run's row (run-config.ts, `runConfigOf`), never here.
 */
export interface ExperimentPlan {
  preset: ExperimentPresetId;
  algorithms: AlgorithmId[];
  benchmarks: string[];
  seeds: number[];
  /** The user's changes to the preset's run config. */
  diff: RunConfigDiff;
  study?: StudyId;
}

/** A plan with the run config its runs get: the defaults, the preset's diff, then the user's. */
export interface ResolvedPlan extends ExperimentPlan {
  config: RunConfig;
}

/**
 * A preset's run config under the user's diff: the one place the defaults, the preset's diff and the user's are
 * merged. An invalid config throws an error that names each bad field.
 */
export function resolveConfig(preset: ExperimentPresetId, diff: RunConfigDiff = {}): RunConfig {
  const parsed = runConfigSchema.safeParse(layered(EXPERIMENT_PRESETS[preset].config as RunConfigInput, diff));
  if (!parsed.success)
    throw new LabError(
      'invalid_input',
      `invalid config: ${describeConfigError(parsed.error)}`,
      configIssues(parsed.error),
    );
  return parsed.data;
}

/** The plan with the run config its runs get. */
export function resolvePlan(input: z.output<typeof experimentPlanInput>): ResolvedPlan {
  const preset = EXPERIMENT_PRESETS[input.preset];
  const diff = input.config ?? {};
  return {
    preset: input.preset,
    algorithms: [...new Set(input.algorithms ?? preset.algorithms)],
    benchmarks: [...new Set(input.benchmarks ?? preset.benchmarks)],
    seeds: [...new Set(input.seeds ?? preset.seeds)],
    diff,
    ...(input.study ? { study: input.study } : {}),
    config: resolveConfig(input.preset, diff),
  };
}

/** The plan stored in an experiment; null for an experiment made another way (an import, `evaluate`). */
export function storedPlan(experiment: Experiment): ExperimentPlan | null {
  const stored = experiment.config as Partial<Record<keyof ExperimentPlan, unknown>>;
  if (!Array.isArray(stored.algorithms) || !Array.isArray(stored.benchmarks) || !Array.isArray(stored.seeds))
    return null;
  return {
    preset: (stored.preset as ExperimentPresetId) ?? 'quick',
    algorithms: stored.algorithms as AlgorithmId[],
    benchmarks: stored.benchmarks as string[],
    seeds: stored.seeds as number[],
    diff: runConfigDiffSchema.safeParse(stored.diff).data ?? {},
    ...((STUDY_IDS as readonly unknown[]).includes(stored.study) ? { study: stored.study as StudyId } : {}),
  };
}

/** What the new-experiment form offers: presets (with their full config), algorithms, trainable suites, fields. */
export interface ExperimentOptions {
  presets: {
    id: ExperimentPresetId;
    summary: string;
    algorithms: AlgorithmId[];
    benchmarks: string[];
    seeds: number[];
    /** The preset's run config with every default filled in. */
    config: JsonObject;
  }[];
  algorithms: AlgorithmId[];
  benchmarks: { id: string; name: string; family: string }[];
  fields: ConfigField[];
}

export function experimentOptions(): ExperimentOptions {
  return {
    presets: PRESET_IDS.map((id) => {
      const preset = EXPERIMENT_PRESETS[id];
      return {
        id,
        summary: preset.summary,
        algorithms: [...preset.algorithms],
        benchmarks: [...preset.benchmarks],
        seeds: [...preset.seeds],
        config: resolveConfig(id) as unknown as JsonObject,
      };
    }),
    algorithms: [...ALGORITHM_IDS],
    benchmarks: MINI_IDS.map((id) => ({ id, name: benchmarkInfo(id).name, family: MINI_SUITES[id]!.family })),
    fields: configFields(),
  };
}

/** Creates the experiment and all its runs, queued, in the order they will run (base rows first). */
export function createPlannedExperiment(
  services: Services,
  input: z.output<typeof experimentPlanInput>,
): Experiment & { runs: Run[] } {
  const plan = resolvePlan(input);
  return services.transaction(() => {
    const experiment = services.experiments.create({
      name: input.name,
      description: input.description,
      config: {
        preset: plan.preset,
        algorithms: plan.algorithms,
        benchmarks: plan.benchmarks,
        seeds: plan.seeds,
        diff: plan.diff,
        ...(plan.study ? { study: plan.study } : {}),
      } satisfies ExperimentPlan,
    });
    const config = plan.config as unknown as JsonObject;
    const trained = plan.algorithms.flatMap((algorithm) =>
      plan.benchmarks.flatMap((benchmark) => plan.seeds.map((seed) => ({ algorithm, benchmark, seed }))),
    );
    // A study queues seed by seed, every algorithm side by side, so one stopped early still compares them all on the
    // seeds it finished.
    if (plan.study) trained.sort((a, b) => a.seed - b.seed || a.benchmark.localeCompare(b.benchmark));
    const runs = [...plan.seeds.map((seed) => ({ algorithm: 'base', benchmark: 'all', seed })), ...trained].map((run) =>
      services.runs.create({ experimentId: experiment.id, config, ...run }),
    );
    return { ...experiment, runs };
  });
}
