/** Exporting an experiment's results table: what the `experiments.export` channel and `aepo-lab export` return. */
import { LabError } from '../../core/errors';
import { settingsNote } from '../../rl/variants';
import { runConfigOf } from '../plan/run-config';
import type { Services } from '../../services';
import type { EvaluationRow } from '../../store/evaluations-repo';
import { exportTable, type ExportFormat } from './export-formats';
import { profileSvg } from './profile-svg';
import { resultsTable, type BoldRule, type ResultsTable, type RowCompute, type TableOptions } from './results-table';

export interface ExportedTable {
  format: ExportFormat;
  /** A file name to save it under, e.g. experiment-3-pass@1.md. */
  filename: string;
  text: string;
}

const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', md: 'md', latex: 'tex' };

/** How a table is asked for, by every front end alike: the metric, the reference row, the bold rule, the bootstrap. */
export interface TableRequest {
  metric: string;
  reference?: string;
  bold?: BoldRule;
  resamples?: number;
  bootstrapSeed?: number;
}

function tableOptions(request: TableRequest): TableOptions {
  return {
    reference: request.reference,
    bold: request.bold,
    bootstrap: {
      ...(request.resamples !== undefined ? { resamples: request.resamples } : {}),
      ...(request.bootstrapSeed !== undefined ? { seed: request.bootstrapSeed } : {}),
    },
  };
}

/** What a seed means in this table: one shared base checkpoint, or each seed its own (coldStart.perSeed). */
function seedsNote(services: Services, runIds: number[]): string[] {
  const perSeed = new Set(
    runIds.flatMap((id) => {
      const config = runConfigOf(services.runs.get(id));
      return config ? [config.coldStart.perSeed] : []; // outside models and imports have no cold start
    }),
  );
  if (perSeed.size === 0) return [];
  if (perSeed.size === 2)
    return ['Seeds: some rows have a cold start per seed, others share one; their intervals differ in kind.'];
  return perSeed.has(true)
    ? [
        "Seeds: each seed trains from its own cold start (coldStart.perSeed), so the spread over seeds includes the base policy's.",
      ]
    : [
        'Seeds: every seed starts from one shared base checkpoint (coldStart.perSeed off), so the spread over seeds leaves out the base policy’s own variation.',
      ];
}

/** Per row, the mean over its trained runs of tokens sampled per step and seconds of training per run. */
function rowCompute(services: Services, evaluations: EvaluationRow[], runIds: number[]): Map<string, RowCompute> {
  const totals = services.metrics.totals(runIds, ['tokens/generated', 'timing_s/step']);
  const rowOf = new Map(evaluations.map((e) => [e.runId, e.algorithm]));
  const byRow = new Map<string, { tokens: number[]; seconds: number[]; runs: Set<number> }>();
  for (const t of totals) {
    const label = rowOf.get(t.runId)!;
    const row = byRow.get(label) ?? { tokens: [], seconds: [], runs: new Set<number>() };
    row.runs.add(t.runId);
    if (t.key === 'tokens/generated' && t.n > 0) row.tokens.push(t.sum / t.n);
    if (t.key === 'timing_s/step') row.seconds.push(t.sum);
    byRow.set(label, row);
  }
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return new Map(
    [...byRow].map(([label, r]) => [
      label,
      { tokensPerStep: mean(r.tokens), secondsPerRun: mean(r.seconds), runs: r.runs.size },
    ]),
  );
}

/**
 * Tables computed lately, by their inputs: at `paper` sizes a table's bootstraps and tests take seconds
 * (`npm run bench:results-table`), and the experiment page asks again at every run's status change.
 */
const recentTables = new WeakMap<Services, Map<string, ResultsTable>>();
const RECENT_TABLES = 8;

/** With their per-item scores: the statistics resample them. */
function withItems(services: Services, evaluations: EvaluationRow[], request: TableRequest): ResultsTable {
  // An evaluation's items are written with it (and a redone one changes its value), so these fields identify them.
  const key = JSON.stringify([
    tableOptions(request),
    request.metric,
    evaluations.map((e) => [e.runId, e.step, e.benchmark, e.k, e.value, e.algorithm, e.seed]),
  ]);
  const recent = recentTables.get(services) ?? new Map<string, ResultsTable>();
  recentTables.set(services, recent);
  const seen = recent.get(key);
  if (seen) return seen;
  const runIds = [...new Set(evaluations.map((e) => e.runId))];
  const items = services.evaluations.itemScores(runIds);
  const compute = rowCompute(services, evaluations, runIds);
  const computed = resultsTable(evaluations, request.metric, items, { ...tableOptions(request), compute });
  const table = { ...computed, notes: [...computed.notes, ...seedsNote(services, runIds)] };
  recent.set(key, table);
  if (recent.size > RECENT_TABLES) recent.delete(recent.keys().next().value!);
  return table;
}

/** An experiment's results table (null before any evaluation): the app's experiment page and every export. */
export function experimentTable(services: Services, id: number, request: TableRequest): ResultsTable | null {
  const evaluations = services.evaluations.ofExperiment(services.experiments.get(id).id);
  return evaluations.length === 0 ? null : withItems(services, evaluations, request);
}

/**
 * The footnote every exported table carries: per row, the settings its runs changed from the algorithm's paper
 * defaults (a named variant such as the released scripts' first), or that every row runs its paper defaults.
 */
function settingsFootnotes(
  services: Services,
  table: ResultsTable,
  rowOf: (e: EvaluationRow) => string,
  evaluations: EvaluationRow[],
): string[] {
  const notes = table.rows.flatMap(({ label }) => {
    const runIds = [...new Set(evaluations.filter((e) => rowOf(e) === label).map((e) => e.runId))];
    const texts = new Set(
      runIds.flatMap((id) => {
        const run = services.runs.get(id);
        return settingsNote(run.algorithm, runConfigOf(run)?.algorithmSettings) ?? [];
      }),
    );
    return texts.size === 0 ? [] : [`${label}: ${[...texts].join('; ')}`];
  });
  return notes.length === 0
    ? ["Settings: every algorithm row runs its algorithm's paper defaults (AEPO Lab, docs/algorithms.md)."]
    : [
        "Settings that differ from each algorithm's paper defaults (AEPO Lab, docs/algorithms.md); other rows: none.",
        ...notes,
      ];
}

export function exportExperiment(
  services: Services,
  request: TableRequest & { id: number; format: ExportFormat },
  appVersion: string,
  now = new Date(),
): ExportedTable {
  const experiment = services.experiments.get(request.id);
  const evaluations = services.evaluations.ofExperiment(experiment.id);
  const table = withItems(services, evaluations, request);
  if (table.rows.length === 0) {
    throw new LabError('not_found', `experiment ${experiment.id} has no ${request.metric} evaluations yet`);
  }
  const text = exportTable(table, request.format, {
    source: `experiment ${experiment.id} "${experiment.name}"`,
    appVersion,
    date: now.toISOString().slice(0, 10),
    footnotes: [...table.notes, ...settingsFootnotes(services, table, (e) => e.algorithm, evaluations)],
  });
  return {
    format: request.format,
    filename: `experiment-${experiment.id}-${request.metric}.${EXTENSIONS[request.format]}`,
    text,
  };
}

/** The experiment's performance profile as an SVG file (the app shows it; `aepo-lab export --profile` writes it). */
export function exportProfile(
  services: Services,
  request: TableRequest & { id: number },
): { filename: string; svg: string } {
  const experiment = services.experiments.get(request.id);
  const table = experimentTable(services, experiment.id, request);
  if (!table || !table.rows.some((r) => r.aggregates))
    throw new LabError(
      'not_found',
      `experiment ${experiment.id} has no ${request.metric} evaluations with per-item verdicts yet`,
    );
  return {
    filename: `experiment-${experiment.id}-${request.metric}-profile.svg`,
    svg: profileSvg(table, `Performance profile: experiment ${experiment.id} "${experiment.name}", ${request.metric}`),
  };
}

const runLabel = (row: EvaluationRow) => `${row.algorithm} #${row.runId}`;

/**
 * The results table of chosen runs (the Compare page), one row per run labelled `algorithm #id`, so two runs of one
 * algorithm stay apart; null when none of them has an evaluation.
 */
/** A table of runs: the reference is a run id (Compare's baseline), the first run unless another is given. */
export type RunsTableRequest = Omit<TableRequest, 'reference'> & { reference?: number };

export function runsTable(services: Services, ids: number[], request: RunsTableRequest): ResultsTable | null {
  for (const id of ids) services.runs.get(id);
  const rows = services.evaluations.ofRuns(ids).map((row) => ({ ...row, algorithm: runLabel(row) }));
  if (rows.length === 0) return null;
  const baseline = rows.find((r) => r.runId === (request.reference ?? ids[0]));
  if (request.reference !== undefined && !baseline)
    throw new LabError(
      'invalid_input',
      `baseline run ${request.reference} is not one of runs ${ids.join(', ')} with evaluations`,
    );
  const table = withItems(services, rows, { ...request, reference: baseline?.algorithm });
  // In the order the runs were given.
  const order = (label: string) => ids.indexOf(Number(label.split('#').at(-1)));
  const sorted = table.rows.map((row, i) => ({ row, i })).sort((a, b) => order(a.row.label) - order(b.row.label));
  return {
    ...table,
    rows: sorted.map((s) => s.row),
    best: table.best.map((indices) => indices.map((i) => sorted.findIndex((s) => s.i === i))),
  };
}

/** The same table as CSV, Markdown or LaTeX: what the Compare page and `aepo-lab export --runs` give. */
export function exportRuns(
  services: Services,
  request: RunsTableRequest & { ids: number[]; format: ExportFormat },
  appVersion: string,
  now = new Date(),
): ExportedTable {
  const table = runsTable(services, request.ids, request);
  if (!table)
    throw new LabError('not_found', `runs ${request.ids.join(', ')} have no ${request.metric} evaluations yet`);
  const text = exportTable(table, request.format, {
    source: `runs ${request.ids.join(', ')}`,
    appVersion,
    date: now.toISOString().slice(0, 10),
    footnotes: [
      ...table.notes,
      ...settingsFootnotes(services, table, runLabel, services.evaluations.ofRuns(request.ids)),
    ],
  });
  return {
    format: request.format,
    filename: `runs-${request.ids.join('-')}-${request.metric}.${EXTENSIONS[request.format]}`,
    text,
  };
}
