/**
 * The shapes of a results table (results-table.ts builds one; table-captions.ts, the exports and the app read it),
 * apart from the code that computes it so the readers need not import the computation.
 */
import type { BootstrapSettings, Interval } from '../../stats/estimates';
import type { RowAggregates } from '../../stats/row-aggregates';
import type { BoldRule, Comparison } from './table-comparisons';

export interface Cell {
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  std: number;
  /** Seeds behind the value. */
  n: number;
  /** 95 % bootstrap interval over seeds and items; null where a run has no per-item verdicts. */
  ci: Interval | null;
  /** Test items (summed over an average's benchmarks) and samples per item; null without per-item verdicts. */
  items: number | null;
  samples: number | null;
}

export interface TableRow {
  label: string;
  cells: (Cell | null)[];
  /** Per column, this row against the reference (null for the reference itself and where untestable). */
  comparisons: (Comparison | null)[];
  /** IQM and performance profile over this row's run × benchmark scores (null without per-item verdicts). */
  aggregates: RowAggregates | null;
  /** What the row's training cost, averaged over its runs (null: no training recorded, e.g. base or outside rows). */
  compute: RowCompute | null;
}

export interface RowCompute {
  /** Tokens the policy sampled per RL step (tokens/generated: pilots, branches and refills included). */
  tokensPerStep: number | null;
  /** Seconds of training per run: the sum of its steps' timing_s/step (pauses and evaluation excluded). */
  secondsPerRun: number | null;
  runs: number;
}

export interface ResultsTable {
  /** e.g. "pass@1". */
  metric: string;
  /** Each column with the benchmarks it averages (one for a benchmark column). */
  columns: { id: string; label: string; kind: 'benchmark' | 'family' | 'overall'; benchmarks: string[] }[];
  rows: TableRow[];
  /** The label of the row the comparisons are against (null: a single row). */
  reference: string | null;
  /** Per column, the rows in bold (every row of a tie; empty: no values). */
  best: number[][];
  bold: BoldRule;
  bootstrap: BootstrapSettings;
  /** Distinct comparisons Holm's correction ran over. */
  comparisons: number;
  /** Why a row has no average where it has some of the benchmarks, one line per row (exports print them). */
  notes: string[];
  /** The method in words (what a cell is, the interval, the sizes, the tests), and the bold rule: every view shows both. */
  caption: string;
  boldNote: string;
}
