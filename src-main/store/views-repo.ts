import type { Db } from './database';
import { parseJsonObject } from './json-columns';
import type { JsonObject, SavedView } from './records';

/** Saved views of the app's pages: a name and the page's state (filter, sort, grouping), one row per (page, name). */
export function createViewsRepo(db: Db) {
  const list = db.prepare(
    'SELECT id, page, name, state, updated_at AS updatedAt FROM saved_views WHERE page = ? ORDER BY name',
  );
  const save = db.prepare(`
    INSERT INTO saved_views (page, name, state, updated_at) VALUES (@page, @name, @state, @now)
    ON CONFLICT (page, name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`);
  const byName = db.prepare(
    'SELECT id, page, name, state, updated_at AS updatedAt FROM saved_views WHERE page = ? AND name = ?',
  );
  const remove = db.prepare('DELETE FROM saved_views WHERE id = ?');
  const toView = (row: Omit<SavedView, 'state'> & { state: string }): SavedView => ({
    ...row,
    state: parseJsonObject(row.state),
  });
  return {
    list: (page: string): SavedView[] =>
      (list.all(page) as (Omit<SavedView, 'state'> & { state: string })[]).map(toView),
    /** Saves under the name, replacing a view of the same name. */
    save(page: string, name: string, state: JsonObject, now = Date.now()): SavedView {
      save.run({ page, name, state: JSON.stringify(state), now });
      return toView(byName.get(page, name) as Omit<SavedView, 'state'> & { state: string });
    },
    delete: (id: number): boolean => remove.run(id).changes > 0,
  };
}

export type ViewsRepo = ReturnType<typeof createViewsRepo>;
