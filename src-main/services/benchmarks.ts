import type { EventBus } from '../core/events';
import type { BenchmarkItemsRepo, ImportCounts, StoredItem } from '../store/benchmark-items-repo';
import type { BenchmarkItemCount } from '../store/records';

export function createBenchmarksService(items: BenchmarkItemsRepo, bus: EventBus) {
  return {
    /** Imported or generated items per benchmark and split. */
    itemCounts(): BenchmarkItemCount[] {
      return items.counts();
    },
    importItems(benchmark: string, split: string, source: string, list: StoredItem[]): ImportCounts {
      const counts = items.importItems(benchmark, split, source, list);
      if (counts.added + counts.updated + counts.removed > 0)
        bus.emit('store.changed', { tables: ['benchmark_items'] });
      return counts;
    },
    items(benchmark: string, split: string): StoredItem[] {
      return items.items(benchmark, split);
    },
  };
}

export type BenchmarksService = ReturnType<typeof createBenchmarksService>;
