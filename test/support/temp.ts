import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { openLab, type Lab } from '../../src-main/app/open-lab';

const made: string[] = [];
const labs: Lab[] = [];

afterEach(() => {
  for (const lab of labs.splice(0)) lab.close();
});
// Folders go at the end of the file: a server started for a whole describe block may still be using one.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'aepo-lab-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A real lab (SQLite file, services, dispatcher) in a temporary data folder, closed after the test. */
export function tempLab(): Lab {
  const lab = openLab({ dataDir: tempDir(), mode: 'cli', logError: () => {} });
  labs.push(lab);
  return lab;
}
