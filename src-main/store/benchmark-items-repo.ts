import type { Db } from './database';
import type { BenchmarkItemCount } from './records';

export function createBenchmarkItemsRepo(db: Db) {
  const counts = db.prepare(`
    SELECT benchmark, split, count(*) AS items FROM benchmark_items GROUP BY benchmark, split ORDER BY benchmark, split`);
  return {
    counts(): BenchmarkItemCount[] {
      return counts.all() as BenchmarkItemCount[];
    },
  };
}

export type BenchmarkItemsRepo = ReturnType<typeof createBenchmarkItemsRepo>;
