/**
 * The one channel map of AEPO Lab: every request the UI can make, with the schema its input must pass and the type
 * it answers. The Electron preload, the IPC handlers, the HTTP bridge of serve mode, the CLI and the renderer's typed
 * client are all derived from it, so a channel exists everywhere or nowhere.
 */
import { z } from 'zod';
import type { ExportedTable } from '../experiments/results/export';
import type { ResultRow } from '../experiments/results/result-rows';
import { EXPORT_FORMATS } from '../experiments/results/export-formats';
import type { Estimate } from '../experiments/plan/estimate';
import type { ImportResult } from '../experiments/imports/verl-import';
import type { TrackioImportResult } from '../experiments/imports/trackio-import';
import type { BackendReport } from '../experiments/execution/run-task';
import type { ClusterCheck, LaunchRow } from '../experiments/remote/remote-runs';
import type { RunExecution } from '../experiments/execution/run-executor';
import type { SubmitResult } from '../experiments/remote/submit';
import type { ClusterInfo } from '../services/clusters';
import { experimentPlanInput, STUDY_IDS, type ExperimentOptions } from '../experiments/plan/plan';
import type { StudyPlan } from '../experiments/study/paper-claims-plan';
import type { StudyReport } from '../experiments/study/report';
import { BOLD_RULES, type ResultsTable } from '../experiments/results/results-table';
import { algorithmId, benchmarkId, runConfigSchema } from '../experiments/plan/run-config';
import { CHANNEL_NAMES, type ChannelName } from './channel-names';
import { SECRET_NAMES, settingsPatchSchema, type SecretName, type Settings } from '../core/settings-schema';
import {
  RUN_STATUSES,
  type BenchmarkEntry,
  type BenchmarkItemCount,
  type BenchmarkItemPage,
  type Experiment,
  type EvaluationItemRow,
  type JsonObject,
  type RolloutStep,
  type RolloutView,
  type RunSummary,
  type SavedView,
  type ExperimentSummary,
  type MetricKeyInfo,
  type MetricPoint,
  type Run,
} from '../store/records';

/** A channel: the input schema, and the answer type carried as a phantom. */
export interface Channel<I extends z.ZodType, O> {
  input: I;
  readonly answer?: O;
}

const channel =
  <O>() =>
  <I extends z.ZodType>(input: I): Channel<I, O> => ({ input });

const id = z.number().int().positive();
const none = z.object({}).strict();
const runIds = z.array(id).min(1).max(8);
const passMetric = z
  .string()
  .regex(/^pass@[1-9]\d*$/, 'pass@1, pass@5, ...')
  .default('pass@1');
/** How a results table is computed: reference row, bold rule, bootstrap resamples and seed (docs/statistics.md). */
const tableOptions = {
  metric: passMetric,
  reference: z.string().min(1).max(200).optional(),
  bold: z.enum(BOLD_RULES).default('significant'),
  resamples: z.number().int().min(100).max(100_000).default(2000),
  bootstrapSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(0),
};
const clusterName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'a cluster name: letters, digits, - and _, up to 40');
/** Pages whose arrangement can be saved as a named view. */
const VIEW_PAGES = ['runs'] as const;

/** What starting an experiment queued. */
export interface StartedJob {
  experimentId: number;
  /** Runs queued (those already completed are kept, not redone). */
  runs: number;
}

export interface AppInfo {
  name: string;
  version: string;
  /** How this UI is being served. */
  mode: 'electron' | 'serve' | 'cli';
  /** Highest applied database migration. */
  schemaVersion: number;
  platform: string;
  nodeVersion: string;
  /** Where the database, checkpoints and corpora live. */
  dataDir: string;
}

export const channels = {
  'app.info': channel<AppInfo>()(none),
  /** The tensor backend runs train on here, and why the ones before it were skipped. */
  'app.backend': channel<BackendReport>()(none),

  'experiments.list': channel<ExperimentSummary[]>()(none),
  'experiments.get': channel<Experiment>()(z.object({ id }).strict()),
  /** A new experiment with all its runs (queued): algorithms × benchmarks × seeds, plus the base row per seed. */
  'experiments.create': channel<Experiment>()(experimentPlanInput),
  'experiments.delete': channel<{ deleted: true }>()(z.object({ id }).strict()),
  /** The experiment's results table as CSV, Markdown or LaTeX. */
  'experiments.export': channel<ExportedTable>()(
    z.object({ id, format: z.enum(EXPORT_FORMATS).default('md'), ...tableOptions }).strict(),
  ),

  /** Pass@1 and Pass@5 per evaluated run and benchmark, in percent (base rows with algorithm `base`). */
  'experiments.results': channel<ResultRow[]>()(z.object({ id }).strict()),
  /** The results table as the export builds it (cells with intervals and n, comparisons, bold rows, IQM); live. */
  'experiments.table': channel<ResultsTable | null>()(z.object({ id, ...tableOptions }).strict()),
  /** The performance profile of that table (share of run × benchmark scores above τ, with bands) as an SVG file. */
  'experiments.profile': channel<{ filename: string; svg: string }>()(z.object({ id, ...tableOptions }).strict()),
  /** What the new-experiment form offers: presets, algorithms, trainable suites and the run config's fields. */
  'experiments.options': channel<ExperimentOptions>()(none),
  /** How long an experiment would take here, from the preset and the step times measured on this machine. */
  'experiments.estimate': channel<Estimate>()(experimentPlanInput.partial({ name: true })),
  /** Runs every run of the experiment that still has work, in worker threads; answers once they are queued. */
  'experiments.start': channel<StartedJob>()(z.object({ id }).strict()),
  /** Queued runs pause at once, running ones after their current step (with a checkpoint). */
  'experiments.pause': channel<{ runs: number }>()(z.object({ id }).strict()),
  /** Continues paused, failed and interrupted runs from their last checkpoint (the same as start). */
  'experiments.resume': channel<StartedJob>()(z.object({ id }).strict()),
  /** Stops every run that has not ended; what they recorded stays. */
  'experiments.cancel': channel<{ runs: number }>()(z.object({ id }).strict()),
  /** The paper-claims study's plan under a time budget: the largest that fits, its estimate and every plan weighed. */
  'studies.plan': channel<StudyPlan>()(
    z
      .object({ study: z.enum(STUDY_IDS).default('paper-claims'), budgetMinutes: z.number().positive().optional() })
      .strict(),
  ),
  /** A study's report from what its experiment's runs stored: Markdown with SVG and PNG figures (docs/study/). */
  'studies.report': channel<StudyReport>()(z.object({ id }).strict()),

  'runs.list': channel<Run[]>()(
    z
      .object({
        experimentId: id.optional(),
        status: z.enum(RUN_STATUSES).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
  ),
  'runs.get': channel<Run>()(z.object({ id }).strict()),
  'runs.create': channel<Run>()(
    z
      .object({
        experimentId: id.nullable().optional(),
        name: z.string().max(200).optional(),
        // Checked against the registries here, so a run of an unknown algorithm can't even be created.
        algorithm: algorithmId,
        benchmark: benchmarkId,
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
        /** The run's config; stored with every default filled in. */
        config: runConfigSchema.prefault({}),
      })
      .strict(),
  ),
  'runs.delete': channel<{ deleted: true }>()(z.object({ id }).strict()),
  /** Tags and a note on a run (either may be left out to keep it). */
  'runs.annotate': channel<Run>()(
    z
      .object({
        id,
        tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
        notes: z.string().max(10_000).optional(),
      })
      .strict(),
  ),
  /** The results table of chosen runs (Compare): one row per run, one column per benchmark. */
  'runs.table': channel<ResultsTable | null>()(
    z.object({ ids: runIds, ...tableOptions, reference: id.optional().describe('the baseline run') }).strict(),
  ),
  /** That table as CSV, Markdown or LaTeX, the same as `aepo-lab export --runs`. */
  'runs.export': channel<ExportedTable>()(
    z
      .object({
        ids: runIds,
        format: z.enum(EXPORT_FORMATS).default('md'),
        ...tableOptions,
        reference: id.optional().describe('the baseline run'),
      })
      .strict(),
  ),
  /** A run's log lines (the last `limit`, oldest first), with their times. */
  'runs.log': channel<{ at: number; line: string }[]>()(
    z.object({ id, limit: z.number().int().min(1).max(100_000).default(1000) }).strict(),
  ),
  /** A run from elsewhere: verl's `file` logger output (one {"step", "data"} per line); the same file twice is a no-op. */
  'runs.import': channel<ImportResult>()(
    z
      .object({
        format: z.literal('verl'),
        fileName: z.string().min(1).max(300),
        content: z.string().max(64 << 20),
        experimentId: id.nullable().optional(),
        algorithm: z.string().trim().min(1).max(100).optional(),
        benchmark: z.string().trim().min(1).max(100).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  /** The runs of a Trackio project database (a path on the machine running the app), with configs and metrics. */
  'runs.importTrackio': channel<TrackioImportResult>()(
    z
      .object({
        path: z.string().min(1).max(4096),
        project: z.string().min(1).max(200).optional(),
        experimentId: id.nullable().optional(),
      })
      .strict(),
  ),
  /** The steps a run resumed after (from a checkpoint): the charts mark them. */
  'runs.resumes': channel<number[]>()(z.object({ id }).strict()),
  /** Every run's key numbers for the runs table: last reward and final Pass@1. */
  'runs.summaries': channel<RunSummary[]>()(none),
  /** A page's saved views. */
  'views.list': channel<SavedView[]>()(z.object({ page: z.enum(VIEW_PAGES) }).strict()),
  /** Saves the page's state under a name (the same name replaces it). */
  'views.save': channel<SavedView>()(
    z
      .object({
        page: z.enum(VIEW_PAGES),
        name: z.string().trim().min(1).max(100),
        state: z.record(z.string(), z.json()) as unknown as z.ZodType<JsonObject>,
      })
      .strict(),
  ),
  'views.delete': channel<{ deleted: boolean }>()(z.object({ id }).strict()),
  'runs.pause': channel<{ changed: boolean }>()(z.object({ id }).strict()),
  /** Starts a queued run, or continues a paused, failed, cancelled or interrupted one from its last checkpoint. */
  'runs.resume': channel<{ started: true }>()(z.object({ id }).strict()),
  'runs.cancel': channel<{ changed: boolean }>()(z.object({ id }).strict()),

  /** Per-item verdicts behind a run's evaluations: prediction, extracted answer, gold answers, verdict and reason. */
  'evaluations.items': channel<EvaluationItemRow[]>()(
    z
      .object({
        runId: id,
        benchmark: z.string().min(1).max(200).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
  ),

  /** The steps of a run that have rollout trees. */
  'rollouts.steps': channel<RolloutStep[]>()(z.object({ runId: id }).strict()),
  /** Every question's rollout tree at one step of a run. */
  'rollouts.get': channel<RolloutView[]>()(z.object({ runId: id, step: z.number().int().min(0) }).strict()),

  'metrics.keys': channel<MetricKeyInfo[]>()(z.object({ runId: id }).strict()),
  'metrics.series': channel<MetricPoint[]>()(
    z
      .object({
        runId: id,
        key: z.string().min(1).max(200),
        fromStep: z.number().int().optional(),
        toStep: z.number().int().optional(),
      })
      .strict(),
  ),

  'benchmarks.list': channel<BenchmarkItemCount[]>()(none),
  /** The paper's 14 benchmarks and SimpleQA, and the generated mini suites, with their imported item counts. */
  'benchmarks.registry': channel<BenchmarkEntry[]>()(none),
  /** A file's content in the authors' format; a bad line imports nothing and the error names line and field. */
  'benchmarks.import': channel<{
    imported: number;
    added: number;
    updated: number;
    unchanged: number;
    removed: number;
  }>()(
    z
      .object({
        id: benchmarkId,
        split: z.string().trim().min(1).max(40).default('test'),
        fileName: z.string().min(1).max(300),
        content: z.string().max(64 << 20),
      })
      .strict(),
  ),
  /** Generates a mini suite: train and test items with demonstrations, its corpus and its sites. */
  'benchmarks.generate': channel<{ suite: string; train: number; test: number; documents: number; pages: number }>()(
    z
      .object({
        suite: z.string().regex(/^mini-[a-z0-9]+$/, 'a mini suite id such as mini-gsm8k'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(0),
        train: z.number().int().min(0).max(100_000).default(200),
        test: z.number().int().min(0).max(100_000).default(50),
      })
      .strict(),
  ),
  /** A page of a benchmark split's items, optionally searched. */
  'benchmarks.items': channel<BenchmarkItemPage>()(
    z
      .object({
        id: z.string().min(1).max(100),
        split: z.string().min(1).max(40).default('test'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        search: z.string().max(200).optional(),
      })
      .strict(),
  ),

  /** The Ray clusters experiments can be sent to (tokens are write-only: only whether one is set). */
  'clusters.list': channel<ClusterInfo[]>()(none),
  /** Adds or updates a cluster; `token` '' removes its token, leaving it out keeps it. */
  'clusters.save': channel<ClusterInfo>()(
    z
      .object({
        name: clusterName,
        address: z
          .string()
          .trim()
          .regex(/^https?:\/\/[^\s/]+(\/.*)?$/, 'the dashboard address, such as http://127.0.0.1:8265'),
        token: z.string().max(4096).optional(),
      })
      .strict(),
  ),
  'clusters.remove': channel<{ removed: true }>()(z.object({ name: clusterName }).strict()),
  /** Asks the cluster's dashboard for its version (GET /api/version). */
  'clusters.check': channel<ClusterCheck>()(z.object({ name: clusterName }).strict()),
  /** Per algorithm: the code base and entrypoint its cluster jobs run, or why it can't be sent. */
  'clusters.recipes': channel<LaunchRow[]>()(none),
  /** One Ray job per run (verl with the run's config as Hydra overrides); `dryRun` only says what would be sent. */
  'experiments.submit': channel<SubmitResult>()(
    z
      .object({
        id,
        cluster: clusterName,
        dryRun: z.boolean().default(false),
        model: z.string().trim().min(1).max(300).optional(),
        nodes: z.number().int().min(1).max(1024).optional(),
        gpusPerNode: z.number().int().min(1).max(64).optional(),
        algorithms: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
      })
      .strict(),
  ),
  /** What executes the run: this machine (here or another lab process) or a Ray cluster, with its job's status. */
  'runs.execution': channel<RunExecution>()(z.object({ id }).strict()),

  'settings.get': channel<Settings>()(none),
  'settings.update': channel<Settings>()(settingsPatchSchema),
  'settings.setSecret': channel<{ set: boolean }>()(
    z.object({ name: z.enum(SECRET_NAMES), value: z.string().max(4096) }).strict(),
  ),
  'settings.secretsSet': channel<Record<SecretName, boolean>>()(none),
} as const satisfies Record<ChannelName, Channel<z.ZodType, unknown>>;

export type Channels = typeof channels;
export { CHANNEL_NAMES, type ChannelName };

/** What a caller sends (optional fields may be left out). */
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
/** What a handler receives, after validation. */
export type ChannelRequest<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelAnswer<C extends ChannelName> = Channels[C] extends Channel<z.ZodType, infer O> ? O : never;

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}
