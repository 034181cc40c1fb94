import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/store/database';
import { migrationsFromFolder } from '../../../src-main/store/migrations';
import { tempDir } from '../../support/temp';

const migrations = migrationsFromFolder(join(import.meta.dirname, '../../../migrations'));
const open = (file: string) => openDatabase(file, { appVersion: '0.1.0', migrations });

describe('data folder and database file', () => {
  it('a data folder that cannot be created fails at once with exit 1 and its name (it used to spin forever)', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, ['bin/aepo-lab.js', '--data-dir', '/proc/nope', 'runs', 'list'], {
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the data folder \/proc\/nope can't be created or written/);
    expect(Date.now() - started).toBeLessThan(15_000);
    const notAFolder = join(tempDir(), 'file');
    writeFileSync(notAFolder, 'x');
    expect(() => open(join(notAFolder, 'sub', 'aepo-lab.sqlite'))).toThrow(
      /the data folder .*file\/sub can't be created or written \(ENOTDIR\)/,
    );
  });

  it('refuses an existing zero-length database file instead of replacing it', () => {
    const file = join(tempDir(), 'aepo-lab.sqlite');
    writeFileSync(file, '');
    expect(() => open(file)).toThrow(`the database ${file} is an empty file`);
    expect(statSync(file).size).toBe(0);
  });

  it('a damaged database is refused by the quick check, with the file named, and left as it was', () => {
    const file = join(tempDir(), 'aepo-lab.sqlite');
    const db = open(file);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT); CREATE INDEX filler_text ON filler(text)');
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
    for (let i = 0; i < 2_000; i++) insert.run(`row ${i} ${'x'.repeat(50)}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Scribble over pages in the second half of the file (table and index pages, not the header and schema).
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    for (let offset = Math.floor(size / 2); offset < size - 4096; offset += 8192)
      writeSync(fd, Buffer.alloc(512, 0xab), 0, 512, offset + 100);
    closeSync(fd);
    const before = readFileSync(file);
    expect(() => open(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
