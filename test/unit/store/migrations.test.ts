import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseStateError } from '../../../src-main/core/errors';
import { openDatabase } from '../../../src-main/store/database';
import {
  bundledMigrations,
  migrationChecksum,
  migrationsFromFolder,
  parseMigrations,
  readLedger,
} from '../../../src-main/store/migrations';
import { tempDir } from '../../support/temp';

const v1 = { 'm/001_initial.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);' };
const v2 = {
  ...v1,
  'm/002_tags.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES notes(id));',
};
const open = (file: string, files: Record<string, string>, appVersion = '1.0.0') =>
  openDatabase(file, { appVersion, migrations: parseMigrations(files) });

function dbFile(): string {
  return join(tempDir(), 'lab.sqlite');
}

/** Rows and schema, to show that a refused open changed nothing. */
function snapshot(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
      ledger: db.prepare('SELECT * FROM schema_migrations ORDER BY version').all(),
      notes: db.prepare('SELECT * FROM notes ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('creates the full schema on a fresh database, with WAL, foreign keys and a busy timeout', () => {
    const file = dbFile();
    const db = openDatabase(file, { appVersion: '0.1.0' });
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'benchmark_items',
        'checkpoints',
        'evaluations',
        'experiments',
        'metrics',
        'rollouts',
        'runs',
        'schema_migrations',
        'settings',
        'tool_cache',
      ]),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const ledger = readLedger(db);
    const shipped = bundledMigrations();
    expect(ledger.map((row) => row.file)).toEqual(shipped.map((m) => m.file));
    expect(ledger[0]?.checksum).toBe(migrationChecksum(shipped[0]!.sql));
    expect(ledger[0]?.appVersion).toBe('0.1.0');
    db.close();
  });

  it('applies only the new migrations on reopen and keeps the data', () => {
    const file = dbFile();
    const first = open(file, v1);
    first.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    first.close();
    const second = open(file, v2, '1.1.0');
    expect(readLedger(second).map((r) => [r.version, r.appVersion])).toEqual([
      [1, '1.0.0'],
      [2, '1.1.0'],
    ]);
    expect(second.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
    second.close();
    const third = open(file, v2);
    expect(readLedger(third)).toHaveLength(2);
    third.close();
  });

  it('refuses a database whose applied migration was edited, and leaves it untouched', () => {
    const file = dbFile();
    const db = open(file, v1);
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('precious');
    db.close();
    const before = snapshot(file);
    const bytesBefore = readFileSync(file);
    const edited = { 'm/001_initial.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);' };
    expect(() => open(file, edited)).toThrow(DatabaseStateError);
    expect(() => open(file, edited)).toThrow(
      /migration 001_initial\.sql was edited after it was applied .* Nothing was changed/,
    );
    expect(snapshot(file)).toEqual(before);
    expect(readFileSync(file).equals(bytesBefore)).toBe(true);
  });

  it('refuses a database written by a newer app, and leaves it untouched', () => {
    const file = dbFile();
    open(file, v2, '2.0.0').close();
    const before = snapshot(file);
    expect(() => open(file, v1, '1.0.0')).toThrow(
      /written by a newer AEPO Lab \(schema version 2, applied by app 2\.0\.0\); this app 1\.0\.0 knows schema versions up to 1/,
    );
    expect(snapshot(file)).toEqual(before);
  });

  it('rolls back a failing migration whole and names it', () => {
    const file = dbFile();
    open(file, v1).close();
    const broken = { ...v1, 'm/002_broken.sql': 'CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);' };
    expect(() => open(file, broken)).toThrow(
      /migration 002_broken\.sql failed .*no such table: nowhere.*stays at schema version 1/,
    );
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(1);
    db.close();
  });

  it('treats CRLF and LF copies of a migration as the same file', () => {
    expect(migrationChecksum('A;\r\nB;\r\n')).toBe(migrationChecksum('A;\nB;\n'));
    const file = dbFile();
    open(file, { 'm/001_initial.sql': v1['m/001_initial.sql'].replace(/;/, ';\n') }).close();
    expect(() =>
      open(file, { 'm/001_initial.sql': v1['m/001_initial.sql'].replace(/;/, ';\r\n') }).close(),
    ).not.toThrow();
  });

  it('bundles exactly the files of migrations/', () => {
    expect(bundledMigrations()).toEqual(migrationsFromFolder('migrations'));
  });

  it('rejects badly named or non-contiguous migration files', () => {
    expect(() => parseMigrations({ 'm/1-initial.sql': '' })).toThrow(/not named NNN_name\.sql/);
    expect(() => parseMigrations({ 'm/001_a.sql': '', 'm/003_c.sql': '' })).toThrow(/without gaps; found 003_c\.sql/);
  });

  it('names the file when it is not a database at all', () => {
    const file = dbFile();
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header '.repeat(20));
    expect(() => open(file, v1)).toThrow(
      new RegExp(`cannot open the database ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: file is not a database`),
    );
  });
});

describe('migration 002: rollout positions', () => {
  it('numbers the rows of each step of an existing database, so (run, step, position) is unique', () => {
    const file = join(tempDir(), 'lab.sqlite');
    const all = bundledMigrations();
    const old = openDatabase(file, { appVersion: '0.1.0', migrations: all.slice(0, 1) });
    old
      .prepare(
        "INSERT INTO runs (algorithm, benchmark, seed, app_version, created_at, updated_at) VALUES ('aepo', 'gsm8k', 0, '0.1.0', 0, 0)",
      )
      .run();
    const insert = old.prepare(
      "INSERT INTO rollouts (run_id, step, question, tree, reward, created_at) VALUES (1, ?, 'q', '{}', 0, 0)",
    );
    for (const step of [1, 1, 1, 2]) insert.run(step);
    old.close();
    const db = openDatabase(file, { appVersion: '0.1.0', migrations: all });
    expect(db.prepare('SELECT step, position FROM rollouts ORDER BY id').all()).toEqual([
      { step: 1, position: 0 },
      { step: 1, position: 1 },
      { step: 1, position: 2 },
      { step: 2, position: 0 },
    ]);
    expect(() =>
      db
        .prepare(
          "INSERT INTO rollouts (run_id, step, position, question, tree, reward, created_at) VALUES (1, 2, 0, 'q', '{}', 0, 0)",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    db.close();
  });
});

describe('migration 009: run executor', () => {
  it('marks the runs an existing database sent to clusters as ray, the others local, and binds new jobs', () => {
    const file = join(tempDir(), 'lab.sqlite');
    const all = bundledMigrations();
    const old = openDatabase(file, { appVersion: '0.1.0', migrations: all.slice(0, 8) });
    const addRun = old.prepare(
      "INSERT INTO runs (algorithm, benchmark, seed, app_version, created_at, updated_at) VALUES ('grpo', 'mini-gsm8k', ?, '0.1.0', 0, 0)",
    );
    for (const seed of [1, 2, 3]) addRun.run(seed);
    old.prepare("INSERT INTO clusters (name, address, created_at) VALUES ('ray1', 'http://x', 0)").run();
    const addJob = old.prepare(
      "INSERT INTO cluster_jobs (run_id, cluster, submission_id, request, submitted_at, updated_at) VALUES (?, 'ray1', ?, '{}', 0, 0)",
    );
    addJob.run(2, 'job-2');
    old.close();
    const db = openDatabase(file, { appVersion: '0.1.0', migrations: all });
    const executors = () => db.prepare('SELECT id, executor FROM runs ORDER BY id').all();
    expect(executors()).toEqual([
      { id: 1, executor: 'local' },
      { id: 2, executor: 'ray' },
      { id: 3, executor: 'local' },
    ]);
    // A job recorded later makes its run remote in the same write; nothing else may be stored there.
    db.prepare(
      "INSERT INTO cluster_jobs (run_id, cluster, submission_id, request, submitted_at, updated_at) VALUES (3, 'ray1', 'job-3', '{}', 0, 0)",
    ).run();
    expect(executors()).toContainEqual({ id: 3, executor: 'ray' });
    expect(() => db.prepare("UPDATE runs SET executor = 'slurm' WHERE id = 1").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('migration 010: an experiment keeps only its plan', () => {
  it("turns an older experiment's stored run config into its diff and leaves other experiments alone", () => {
    const file = join(tempDir(), 'lab.sqlite');
    const all = bundledMigrations();
    const old = openDatabase(file, { appVersion: '0.1.0', migrations: all.slice(0, 9) });
    const add = old.prepare("INSERT INTO experiments (name, description, config, created_at) VALUES ('e', '', ?, 0)");
    const planned = { preset: 'smoke', algorithms: ['grpo'], benchmarks: ['mini-gsm8k'], seeds: [1] };
    add.run(JSON.stringify({ ...planned, run: { training: { steps: 7 } } }));
    add.run(JSON.stringify({ source: { trackio: 'x.db' } }));
    old.close();
    const db = openDatabase(file, { appVersion: '0.1.0', migrations: all });
    const configs = db
      .prepare('SELECT config FROM experiments ORDER BY id')
      .all()
      .map((row) => JSON.parse((row as { config: string }).config) as unknown);
    expect(configs).toEqual([{ ...planned, diff: { training: { steps: 7 } } }, { source: { trackio: 'x.db' } }]);
    db.close();
  });
});

describe('migration 011: one name per concept', () => {
  it("renames a stored run config's algorithm group and model preset, and an experiment diff's, leaving imports", () => {
    const file = join(tempDir(), 'lab.sqlite');
    const all = bundledMigrations();
    const old = openDatabase(file, { appVersion: '0.1.0', migrations: all.slice(0, 10) });
    const addRun = old.prepare(
      "INSERT INTO runs (algorithm, benchmark, seed, config, app_version, created_at, updated_at) VALUES ('aepo', 'mini-gsm8k', 1, ?, '0.1.0', 0, 0)",
    );
    addRun.run(JSON.stringify({ model: { preset: 'small', contextLength: 320 }, algorithm: { variant: 'released' } }));
    addRun.run(JSON.stringify({ algorithm: 'grpo', lr: 1e-6 })); // an import: its algorithm is an id
    old
      .prepare("INSERT INTO experiments (name, config, created_at) VALUES ('e', ?, 0)")
      .run(JSON.stringify({ preset: 'quick', diff: { model: { preset: 'base' }, algorithm: { groupSize: 4 } } }));
    old.close();
    const db = openDatabase(file, { appVersion: '0.1.0', migrations: all });
    const json = (sql: string) =>
      db
        .prepare(sql)
        .all()
        .map((row) => JSON.parse((row as { config: string }).config));
    expect(json('SELECT config FROM runs ORDER BY id')).toEqual([
      { model: { size: 'small', contextLength: 320 }, algorithmSettings: { variant: 'released' } },
      { algorithm: 'grpo', lr: 1e-6 },
    ]);
    expect(json('SELECT config FROM experiments')).toEqual([
      { preset: 'quick', diff: { model: { size: 'base' }, algorithmSettings: { groupSize: 4 } } },
    ]);
    db.close();
  });
});
