import type { Db } from './database';
import type { BenchmarkItemCount } from './records';

export interface StoredItem {
  index: number;
  question: string;
  answers: string[];
  meta: Record<string, unknown>;
  hash: string;
}

export interface ImportCounts {
  /** Items not there before. */
  added: number;
  /** Items whose question or answers changed. */
  updated: number;
  unchanged: number;
  /** Items past the end of the new file, dropped. */
  removed: number;
}

export function createBenchmarkItemsRepo(db: Db) {
  const counts = db.prepare(`
    SELECT benchmark, split, count(*) AS items FROM benchmark_items GROUP BY benchmark, split ORDER BY benchmark, split`);
  const hashes = db.prepare('SELECT idx, content_hash AS hash FROM benchmark_items WHERE benchmark = ? AND split = ?');
  const upsert = db.prepare(`
    INSERT INTO benchmark_items (benchmark, split, idx, question, answers, meta, source, content_hash)
    VALUES (@benchmark, @split, @idx, @question, @answers, @meta, @source, @hash)
    ON CONFLICT (benchmark, split, idx) DO UPDATE SET
      question = excluded.question, answers = excluded.answers, meta = excluded.meta,
      source = excluded.source, content_hash = excluded.content_hash`);
  const removeFrom = db.prepare('DELETE FROM benchmark_items WHERE benchmark = ? AND split = ? AND idx >= ?');
  const items = db.prepare(
    'SELECT idx, question, answers, meta, content_hash AS hash FROM benchmark_items WHERE benchmark = ? AND split = ? ORDER BY idx',
  );

  /** All or nothing: a file imports whole, in one transaction. */
  const importAll = db.transaction(
    (benchmark: string, split: string, source: string, list: StoredItem[]): ImportCounts => {
      const known = new Map(
        (hashes.all(benchmark, split) as { idx: number; hash: string }[]).map((r) => [r.idx, r.hash]),
      );
      const result: ImportCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      for (const item of list) {
        const previous = known.get(item.index);
        if (previous === item.hash) {
          result.unchanged++;
          continue;
        }
        if (previous === undefined) result.added++;
        else result.updated++;
        upsert.run({
          benchmark,
          split,
          idx: item.index,
          question: item.question,
          answers: JSON.stringify(item.answers),
          meta: JSON.stringify(item.meta),
          source,
          hash: item.hash,
        });
      }
      result.removed = removeFrom.run(benchmark, split, list.length).changes;
      return result;
    },
  );

  return {
    counts(): BenchmarkItemCount[] {
      return counts.all() as BenchmarkItemCount[];
    },
    importItems(benchmark: string, split: string, source: string, list: StoredItem[]): ImportCounts {
      return importAll(benchmark, split, source, list);
    },
    items(benchmark: string, split: string): StoredItem[] {
      return (
        items.all(benchmark, split) as { idx: number; question: string; answers: string; meta: string; hash: string }[]
      ).map((r) => ({
        index: r.idx,
        question: r.question,
        answers: JSON.parse(r.answers) as string[],
        meta: JSON.parse(r.meta) as Record<string, unknown>,
        hash: r.hash,
      }));
    },
  };
}

export type BenchmarkItemsRepo = ReturnType<typeof createBenchmarkItemsRepo>;
