/**
 * The runs table's rows: filtered by words and status, sorted by any column, grouped by algorithm or benchmark, as a
 * flat list of group headers and runs that the table renders only a window of (it stays fast with thousands).
 */
import type { Run, RunSummary } from '../src-main/api/typed-api';

export type SortKey = 'id' | 'algorithm' | 'benchmark' | 'seed' | 'status' | 'createdAt' | 'reward' | 'pass1';
export type GroupKey = 'none' | 'algorithm' | 'benchmark';

export interface RunsView {
  filter: string;
  status: string;
  sortKey: SortKey;
  descending: boolean;
  groupBy: GroupKey;
}

export const DEFAULT_VIEW: RunsView = { filter: '', status: '', sortKey: 'id', descending: true, groupBy: 'none' };

export type TableItem = { kind: 'group'; label: string; count: number } | { kind: 'run'; run: Run };

export function tableItems(runs: Run[], summaries: Map<number, RunSummary>, view: RunsView): TableItem[] {
  const words = view.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (run: Run) => {
    if (view.status && run.status !== view.status) return false;
    const text =
      `${run.id} ${run.name} ${run.algorithm} ${run.benchmark} seed=${run.seed} ${run.status} ${run.tags.join(' ')} ${run.notes}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  const value = (run: Run): number | string => {
    if (view.sortKey === 'reward') return summaries.get(run.id)?.reward ?? -Infinity;
    if (view.sortKey === 'pass1') return summaries.get(run.id)?.pass1 ?? -Infinity;
    return run[view.sortKey];
  };
  const sign = view.descending ? -1 : 1;
  const sorted = runs
    .filter(matches)
    .sort((a, b) => (value(a) < value(b) ? -sign : value(a) > value(b) ? sign : b.id - a.id));
  if (view.groupBy === 'none') return sorted.map((run) => ({ kind: 'run', run }));
  const groups = new Map<string, Run[]>();
  for (const run of sorted) groups.set(run[view.groupBy], [...(groups.get(run[view.groupBy]) ?? []), run]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([label, members]) => [
      { kind: 'group' as const, label, count: members.length },
      ...members.map((run) => ({ kind: 'run' as const, run })),
    ]);
}
