/**
 * Claim 3, accuracy: AEPO raises Pass@1 and Pass@5 over the seven baselines, and each of its two parts contributes
 * (AEPO above `aepo_update_only`, which lacks its rollout, and above `aepo_rollout_only`, which lacks its update).
 * Read from the experiment's results table (experiments/results/): the overall average over the study's suites,
 * paired over items and seeds, AEPO as the reference row, with the table's bootstrap (the report's: DEFAULT_BOOTSTRAP);
 * Holm runs over each part's comparisons.
 */
import type { Services } from '../../services';
import { experimentTable } from '../results/export';
import type { ResultsTable } from '../results/results-table';
import { combined, verdictOf, withHolm, type Improvement, type Verdict } from './verdict';

/** The smallest gain that counts, in points: the paper's smallest margin over its best baseline is about 1 point. */
export const ACCURACY_DELTA = 1;
export const ABLATIONS = ['aepo_update_only', 'aepo_rollout_only'] as const;

export interface AccuracyPart {
  metric: 'pass@1' | 'pass@5';
  table: ResultsTable | null;
  /** AEPO minus each baseline on the overall average, in points. */
  baselines: Improvement[];
  verdict: Verdict;
}

export interface AccuracyClaim {
  parts: AccuracyPart[];
  /** AEPO minus each ablation on Pass@1's overall average (positive: the part the ablation lacks helps). */
  ablations: Improvement[];
  ablationVerdict: Verdict;
  verdict: Verdict;
}

/** AEPO against `labels` in a table whose reference row is AEPO: its comparisons turned around. */
function againstAepo(table: ResultsTable | null, labels: readonly string[]): Improvement[] {
  if (!table) return [];
  const overall = table.columns.findIndex((c) => c.kind === 'overall');
  return withHolm(
    labels.flatMap((label) => {
      const c = table.rows.find((r) => r.label === label)?.comparisons[overall];
      return c ? [{ against: label, value: -c.difference, ci: { low: -c.ci.high, high: -c.ci.low }, p: c.p }] : [];
    }),
  );
}

export function accuracyClaim(services: Services, experimentId: number, baselines: string[]): AccuracyClaim {
  // Asked as the report's exported tables ask (export.ts caches a table by its request): computed once.
  const tableOf = (metric: string) => {
    const table = experimentTable(services, experimentId, { reference: 'aepo', metric });
    return table?.rows.some((r) => r.label === 'aepo') ? table : null;
  };
  const parts = (['pass@1', 'pass@5'] as const).map((metric): AccuracyPart => {
    const table = tableOf(metric);
    const found = againstAepo(table, baselines);
    return {
      metric,
      table,
      baselines: found,
      verdict: found.length === baselines.length ? verdictOf(found, ACCURACY_DELTA) : 'inconclusive',
    };
  });
  const ablations = againstAepo(parts[0]!.table, ABLATIONS);
  const ablationVerdict = ablations.length === ABLATIONS.length ? verdictOf(ablations, ACCURACY_DELTA) : 'inconclusive';
  return {
    parts,
    ablations,
    ablationVerdict,
    verdict: combined([...parts.map((p) => p.verdict), ablationVerdict]),
  };
}
