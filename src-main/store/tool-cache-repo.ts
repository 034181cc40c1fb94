import { createHash } from 'node:crypto';
import type { Db } from './database';

/** Calls are keyed by the hash of their whitespace-normalised text, so trivially different spacing still hits. */
export const toolCacheKey = (key: string) => createHash('sha256').update(key.replace(/\s+/g, ' ').trim()).digest('hex');

export function createToolCacheRepo(db: Db) {
  const get = db.prepare('SELECT result FROM tool_cache WHERE tool = ? AND key_hash = ?');
  const upsert = db.prepare(`
    INSERT INTO tool_cache (tool, key_hash, key, result, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (tool, key_hash) DO UPDATE SET result = excluded.result, key = excluded.key`);
  const all = db.prepare('SELECT key, result FROM tool_cache WHERE tool = ?');
  const importAll = db.transaction((tool: string, entries: [string, string][], now: number) => {
    let added = 0;
    let unchanged = 0;
    for (const [key, result] of entries) {
      const hash = toolCacheKey(key);
      const previous = get.get(tool, hash) as { result: string } | undefined;
      if (previous?.result === result) {
        unchanged++;
        continue;
      }
      if (!previous) added++;
      upsert.run(tool, hash, key, result, now);
    }
    return { added, unchanged, updated: entries.length - added - unchanged };
  });
  return {
    get(tool: string, key: string): string | undefined {
      return (get.get(tool, toolCacheKey(key)) as { result: string } | undefined)?.result;
    },
    set(tool: string, key: string, result: string, now = Date.now()): void {
      upsert.run(tool, toolCacheKey(key), key, result, now);
    },
    /** Every cached call of one tool (namespace), as [key, result]. */
    entries(tool: string): [string, string][] {
      return (all.all(tool) as { key: string; result: string }[]).map((row) => [row.key, row.result]);
    },
    /** One transaction: the whole file lands or nothing does. */
    importMany(tool: string, entries: [string, string][], now = Date.now()) {
      return importAll(tool, entries, now);
    },
  };
}

export type ToolCacheRepo = ReturnType<typeof createToolCacheRepo>;
