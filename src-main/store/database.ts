import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseStateError } from '../core/errors';
import { applyMigrations, bundledMigrations, checkLedger, readLedger, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** App version recorded with each applied migration. */
  appVersion: string;
  /** Defaults to the migrations bundled with the app; tests pass their own lists. */
  migrations?: Migration[];
  /** How long a writer waits for another connection's lock before SQLITE_BUSY, in ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the database file, refuses it if it belongs to a newer app or its migrations were
 * edited, then applies pending migrations. WAL lets the UI read while a run writes metrics.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions): Db {
  const migrations = options.migrations ?? bundledMigrations();
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Reading the ledger first touches nothing, and fails early on a file that is not a database.
    checkLedger(readLedger(db), migrations, options.appVersion, file);
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseStateError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseStateError(`cannot open the database ${file}: ${reason}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, migrations, options.appVersion, file);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Runs fn in a transaction: every write it makes lands, or none does. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}
