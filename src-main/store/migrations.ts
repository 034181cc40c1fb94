import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { DatabaseStateError } from '../core/errors';

export interface Migration {
  /** From the file name `NNN_name.sql`. */
  version: number;
  /** The file name, e.g. `001_initial.sql`. */
  file: string;
  sql: string;
}

export interface AppliedMigration {
  version: number;
  file: string;
  checksum: string;
  appliedAt: number;
  appVersion: string;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Checksums ignore line endings, so a checkout with CRLF conversion does not look like an edit. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Turns `{ 'path/001_initial.sql': sql }` into an ordered, validated list. */
export function parseMigrations(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([path, sql]) => {
    const file = path.split('/').pop() ?? path;
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`);
    return { version: Number(match[1]), file, sql };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations must be numbered 1, 2, 3, ... without gaps; found ${m.file} at position ${i + 1}`);
    }
  });
  return migrations;
}

/** The migrations that ship with the app, inlined into the bundle at build time so a packaged app can't lose them. */
export function bundledMigrations(): Migration[] {
  return parseMigrations(
    import.meta.glob<string>('../../migrations/*.sql', { query: '?raw', import: 'default', eager: true }),
  );
}

/** The same files read from a folder at run time, for code run outside Vite (benchmarks under tsx). */
export function migrationsFromFolder(folder: string): Migration[] {
  const files = readdirSync(folder).filter((name) => name.endsWith('.sql'));
  return parseMigrations(Object.fromEntries(files.map((name) => [name, readFileSync(join(folder, name), 'utf8')])));
}

const LEDGER = 'schema_migrations';

export function readLedger(db: Database.Database): AppliedMigration[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(LEDGER);
  if (!exists) return [];
  return db
    .prepare(
      `SELECT version, file, checksum, applied_at AS appliedAt, app_version AS appVersion
       FROM ${LEDGER} ORDER BY version`,
    )
    .all() as AppliedMigration[];
}

/**
 * Refuses a database that this app must not write to: one written by a newer app (a migration we don't know),
 * or one whose applied migration files were edited afterwards. Reads only.
 */
export function checkLedger(applied: AppliedMigration[], known: Migration[], appVersion: string, where: string): void {
  const newest = known.length;
  for (const row of applied) {
    if (row.version > newest) {
      throw new DatabaseStateError(
        `${where} was written by a newer AEPO Lab (schema version ${row.version}, applied by app ${row.appVersion}); ` +
          `this app ${appVersion} knows schema versions up to ${newest}. Update AEPO Lab to open it. Nothing was changed.`,
      );
    }
    const mine = known[row.version - 1];
    const checksum = mine ? migrationChecksum(mine.sql) : '';
    if (!mine || mine.file !== row.file || checksum !== row.checksum) {
      throw new DatabaseStateError(
        `migration ${row.file} was edited after it was applied to ${where} ` +
          `(recorded checksum ${row.checksum.slice(0, 12)}, file now ${mine ? `${mine.file} ${checksum.slice(0, 12)}` : 'missing'}). ` +
          'Restore the original file and put the change in a new migration. Nothing was changed.',
      );
    }
  }
}

/** Applies every pending migration, each in its own transaction together with its ledger row. Returns the ones applied. */
export function applyMigrations(
  db: Database.Database,
  known: Migration[],
  appVersion: string,
  where: string,
): Migration[] {
  const applied = readLedger(db);
  checkLedger(applied, known, appVersion, where);
  const pending = known.slice(applied.length);
  if (pending.length === 0) return [];
  db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER} (
    version     INTEGER PRIMARY KEY,
    file        TEXT    NOT NULL,
    checksum    TEXT    NOT NULL,
    applied_at  INTEGER NOT NULL,
    app_version TEXT    NOT NULL
  )`);
  const record = db.prepare(
    `INSERT INTO ${LEDGER} (version, file, checksum, applied_at, app_version) VALUES (?, ?, ?, ?, ?)`,
  );
  for (const migration of pending) {
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.file, migrationChecksum(migration.sql), Date.now(), appVersion);
    });
    try {
      apply();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DatabaseStateError(
        `migration ${migration.file} failed on ${where}: ${reason}. ` +
          `It was rolled back; the database stays at schema version ${migration.version - 1}.`,
      );
    }
  }
  return pending;
}
