-- Tags and a free-text note on each run, and the Runs page's saved views (filter, sort, grouping, columns) by name.
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags));
ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE TABLE saved_views (
  id         INTEGER PRIMARY KEY,
  page       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  state      TEXT    NOT NULL CHECK (json_valid(state)),
  updated_at INTEGER NOT NULL,
  UNIQUE (page, name)
);
