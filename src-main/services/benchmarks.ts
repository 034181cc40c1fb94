import type { BenchmarkItemsRepo } from '../store/benchmark-items-repo';
import type { BenchmarkItemCount } from '../store/records';

export function createBenchmarksService(items: BenchmarkItemsRepo) {
  return {
    /** Imported or generated items per benchmark and split. */
    itemCounts(): BenchmarkItemCount[] {
      return items.counts();
    },
  };
}

export type BenchmarksService = ReturnType<typeof createBenchmarksService>;
