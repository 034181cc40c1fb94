/**
 * The typed experiment config: everything one run needs beyond its algorithm, benchmark and seed, each field with a
 * doc line and a default. A run stores its full config with the defaults filled in, so what produced a number is
 * always on record. Presets (`smoke`, `quick`, `paper`) are diffs over the defaults.
 */
import { z } from 'zod';
import { LabError, type LabIssue } from '../../core/errors';
import type { Run } from '../../store/records';
import { MINI_SUITES } from '../../benchmarks/mini/catalogue';
import { BENCHMARKS } from '../../benchmarks/registry';
import { algorithmSettingsSchema } from '../../rl/settings-schema';
import { ALGORITHM_IDS, SETTING_VARIANTS } from '../../rl/types';

/** Every benchmark id a run may name: the registry's and the generated mini suites'. */
export const BENCHMARK_IDS: readonly string[] = [...BENCHMARKS.map((b) => b.id), ...Object.keys(MINI_SUITES)];

export const algorithmId = z.enum(ALGORITHM_IDS, {
  error: (issue) => `unknown algorithm "${String(issue.input)}"; known: ${ALGORITHM_IDS.join(', ')}`,
});
export const benchmarkId = z.string().refine((id) => BENCHMARK_IDS.includes(id), {
  error: (issue) => `unknown benchmark "${String(issue.input)}"; known: ${BENCHMARK_IDS.join(', ')}`,
});

const positiveInt = z.number().int().positive();

/**
 * Overrides of the algorithm preset's settings (rl/settings-schema.ts declares them; defaults in rl/defaults.ts and
 * the algorithm's file); unset: the preset's. The variant picks a named bundle first (rl/variants.ts).
 */
const algorithmSettingsOverrides = z
  .object({
    variant: z
      .enum(SETTING_VARIANTS)
      .describe(
        "Setting bundle: 'paper' (the method as published) or 'released' (the authors' training scripts: AEPO without pre-monitoring or the entropy-aware advantage).",
      ),
    ...algorithmSettingsSchema.shape,
    // Overridden parameter by parameter: `--set algorithmSettings.branch.gamma=0.5` keeps the algorithm's τ and penalty.
    branch: algorithmSettingsSchema.shape.branch.partial().describe(algorithmSettingsSchema.shape.branch.description!),
  })
  .partial()
  .strict();

export const runConfigSchema = z
  .object({
    model: z
      .object({
        size: z
          .enum(['tiny', 'small', 'base'])
          .default('tiny')
          .describe('Size of the policy transformer (model/config.ts).'),
        contextLength: z
          .number()
          .int()
          .min(64)
          .max(2048)
          .default(320)
          .describe('Longest sequence in tokens: prompt, generated text and tool results together.'),
        vocabSize: z
          .number()
          .int()
          .min(300)
          .max(8192)
          .default(600)
          .describe("Byte-pair merges of the tokenizer trained on the suites' demonstrations."),
      })
      .strict()
      .prefault({}),
    coldStart: z
      .object({
        steps: z
          .number()
          .int()
          .min(0)
          .max(100_000)
          .default(600)
          .describe("Supervised steps on the suites' demonstrations before RL (0: RL from random weights)."),
        batchSize: positiveInt.max(256).default(8).describe('Demonstrations per step.'),
        learningRate: z.number().positive().default(3e-3).describe('Learning rate of the supervised cold start.'),
        perSeed: z
          .boolean()
          .default(false)
          .describe(
            "One cold start per seed (its own initial weights and batch order), so the spread over seeds includes the base policy's; costs one cold start per seed.",
          ),
        suites: z
          .array(
            z.string().refine((id) => id in MINI_SUITES, {
              error: (issue) =>
                `"${String(issue.input)}" is not a mini suite; known: ${Object.keys(MINI_SUITES).join(', ')}`,
            }),
          )
          .max(Object.keys(MINI_SUITES).length)
          .default([])
          .describe(
            "Mini suites whose demonstrations the cold start (and its tokenizer) learns from; empty: the experiment's own. Fixing them keeps base scores from shifting with the suites an experiment trains on.",
          ),
      })
      .strict()
      .prefault({}),
    /** Overrides of the algorithm's defaults. */
    algorithmSettings: algorithmSettingsOverrides.default({}),
    rollout: z
      .object({
        maxResponseTokens: positiveInt
          .max(4096)
          .default(240)
          .describe('Response tokens per trajectory, tool results included.'),
        toolCallLimit: z
          .number()
          .int()
          .min(0)
          .max(32)
          .default(4)
          .describe('Tool calls per trajectory; the call that exceeds it gets an EOS.'),
        temperature: z
          .number()
          .positive()
          .max(4)
          .default(1)
          .describe('Sampling temperature of training rollouts (training log-probs use the same).'),
        topP: z.number().gt(0).max(1).default(1).describe('Nucleus sampling of training rollouts (1: off).'),
        entropyTokens: positiveInt
          .max(256)
          .default(20)
          .describe('J: generated tokens per segment that count towards its entropy.'),
        probeTokens: positiveInt.max(512).default(50).describe("Length of AEPO's pre-monitoring probe."),
      })
      .strict()
      .prefault({}),
    optimizer: z
      .object({
        learningRate: z.number().positive().default(1e-4).describe('AdamW learning rate of RL.'),
        weightDecay: z.number().min(0).default(0.01).describe('AdamW decoupled weight decay.'),
        maxGradNorm: z.number().positive().default(1).describe('Global gradient-norm clip.'),
      })
      .strict()
      .prefault({}),
    training: z
      .object({
        steps: z.number().int().min(0).max(100_000).default(20).describe('RL steps of the run.'),
        questionsPerStep: positiveInt.max(512).default(8).describe('Questions (groups) per step.'),
        trainItems: positiveInt.max(100_000).default(400).describe('Train items generated per mini suite.'),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        items: positiveInt
          .max(100_000)
          .default(50)
          .describe('Test items evaluated per benchmark (the first ones of the split).'),
        samples: positiveInt
          .max(64)
          .default(5)
          .describe('Samples per item: Pass@1 is their mean score, Pass@k the unbiased expected best of k (n ≥ k).'),
        temperature: z.number().min(0).max(4).default(0.6).describe('Sampling temperature of evaluation.'),
        k: positiveInt.max(64).default(5).describe('The k of Pass@k reported beside Pass@1.'),
      })
      .strict()
      .refine((e) => e.samples >= e.k, { error: 'evaluation.samples must be at least evaluation.k' })
      .prefault({}),
    budgets: z
      .object({
        checkpointEvery: positiveInt
          .max(100_000)
          .default(5)
          .describe('Checkpoint every this many RL steps (and at the end).'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export const DEFAULT_RUN_CONFIG: RunConfig = runConfigSchema.parse({});

/** Presets: diffs over the defaults, with the algorithms, benchmarks and seeds they compare. */
export interface ExperimentPreset {
  summary: string;
  algorithms: (typeof ALGORITHM_IDS)[number][];
  benchmarks: string[];
  seeds: number[];
  config: RunConfigInput;
}

const ALL_EIGHT = ['grpo', 'dapo', 'reinforce_pp', 'gppo', 'cispo', 'gigpo', 'arpo', 'aepo'] as const;

export const EXPERIMENT_PRESETS = {
  smoke: {
    summary: 'all 8 algorithms on one math suite, a few steps: a check that everything runs (minutes)',
    algorithms: [...ALL_EIGHT],
    benchmarks: ['mini-gsm8k'],
    seeds: [1],
    config: {
      coldStart: { steps: 1200 },
      rollout: { maxResponseTokens: 96, toolCallLimit: 2 },
      training: { steps: 2, questionsPerStep: 4, trainItems: 60 },
      evaluation: { items: 8, samples: 5 },
      algorithmSettings: { groupSize: 4, globalSamples: 2, updatesPerBatch: 2 },
      budgets: { checkpointEvery: 1 },
    },
  },
  quick: {
    summary: 'all 8 algorithms on one suite per family (math, knowledge, deep search), 2 seeds',
    algorithms: [...ALL_EIGHT],
    benchmarks: ['mini-gsm8k', 'mini-hotpotqa', 'mini-webwalker'],
    seeds: [1, 2],
    // Sized for under half an hour on a 2-core laptop: a cold start long enough for all three families (about 3.5 min
    // on `tiny`), then 48 RL runs of 8 steps × 6 questions, 20 test items each.
    config: { coldStart: { steps: 3000 }, training: { steps: 8, questionsPerStep: 6 }, evaluation: { items: 20 } },
  },
  paper: {
    summary: "all 14 mini suites, 3 seeds, the released code's hyperparameters scaled to the model (hours)",
    algorithms: [...ALL_EIGHT],
    benchmarks: Object.keys(MINI_SUITES),
    seeds: [1, 2, 3],
    config: {
      model: { size: 'small' },
      // Each seed its own cold start: seed-to-seed spread then includes the base policy's (docs/statistics.md).
      coldStart: { steps: 2000, perSeed: true },
      training: { steps: 80, questionsPerStep: 16 },
      algorithmSettings: { groupSize: 12, globalSamples: 6, updatesPerBatch: 8 },
      evaluation: { items: 100 },
    },
  },
} as const satisfies Record<string, ExperimentPreset>;

export type ExperimentPresetId = keyof typeof EXPERIMENT_PRESETS;

/** A config in words a person reads: "training.steps: must be a positive whole number", one issue a line. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`).join('; ');
}

/** The same issues for the API, each at its path in a request (`config.training.steps`). */
export function configIssues(error: z.ZodError): LabIssue[] {
  return error.issues.map((issue) => ({
    path: ['config', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * A run's resolved config: the one way a stored run config is read. The lab stores a run's config with every default
 * filled in (runs.config, the only copy); null for a row whose config is not one: an import, an outside model.
 */
export function runConfigOf(run: Pick<Run, 'config'>): RunConfig | null {
  const parsed = resolvedConfig(run.config);
  return parsed?.success ? parsed.data : null;
}

/** The same, for a run that must have one (to train it, to send it to a cluster): otherwise an error saying why. */
export function requireRunConfig(run: Pick<Run, 'id' | 'config'>): RunConfig {
  const parsed = resolvedConfig(run.config);
  if (!parsed) throw new LabError('invalid_input', `run ${run.id} has no run config: it was imported or evaluated`);
  if (!parsed.success)
    throw new LabError('invalid_input', `run ${run.id}'s config is invalid: ${describeConfigError(parsed.error)}`);
  return parsed.data;
}

/** Parses a stored config that has every group of a run config; undefined for anything else. */
function resolvedConfig(stored: Run['config']) {
  const complete = Object.keys(runConfigSchema.shape).every((group) => group in stored);
  return complete ? runConfigSchema.safeParse(stored) : undefined;
}
