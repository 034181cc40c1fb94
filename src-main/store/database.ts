import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
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
  if (file !== ':memory:') {
    ensureWritableFolder(dirname(file));
    refuseEmptyFile(file);
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Reading the ledger first touches nothing, and fails early on a file that is not a database.
    checkLedger(readLedger(db), migrations, options.appVersion, file);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok')
      throw new DatabaseStateError(
        `the database ${file} is damaged (${String(check).slice(0, 300)}); restore it from a backup, or move it away to start a new one`,
      );
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
    if (error instanceof DatabaseStateError) throw error;
    throw new DatabaseStateError(
      `cannot prepare the database ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return db;
}

/**
 * Creates the data folder level by level (Node's recursive mkdir loops forever under /proc) and checks that it is a
 * writable folder, so a bad --data-dir fails at once with its name.
 */
export function ensureWritableFolder(folder: string): void {
  const missing: string[] = [];
  let current = folder;
  while (!exists(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  try {
    for (const dir of missing) mkdirSync(dir);
    if (!statSync(folder).isDirectory()) throw new Error('it is not a folder');
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DatabaseStateError(
      `the data folder ${folder} can't be created or written (${reason}); choose another with --data-dir or AEPO_LAB_HOME`,
    );
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** An existing empty file is not a new database: it may be a failed copy of one, and would be silently replaced. */
function refuseEmptyFile(file: string): void {
  if (exists(file) && statSync(file).isFile() && statSync(file).size === 0) {
    throw new DatabaseStateError(
      `the database ${file} is an empty file, not an AEPO Lab database; move it away (or delete it) to start a new one`,
    );
  }
}

/** Runs fn in a transaction: every write it makes lands, or none does. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}
