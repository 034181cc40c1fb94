import type { Db } from './database';
import type { JsonValue } from './records';

export function createSettingsRepo(db: Db) {
  const all = db.prepare('SELECT key, value FROM settings');
  const deleteKey = db.prepare('DELETE FROM settings WHERE key = ?');
  const upsert = db.prepare(`
    INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  return {
    all(): Record<string, JsonValue> {
      const rows = all.all() as { key: string; value: string }[];
      return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as JsonValue]));
    },
    set(key: string, value: JsonValue, now = Date.now()): void {
      upsert.run(key, JSON.stringify(value), now);
    },
    remove(key: string): void {
      deleteKey.run(key);
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
