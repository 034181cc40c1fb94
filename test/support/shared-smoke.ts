// One real `smoke` experiment (all eight algorithms, from a fresh data folder, through the built command) for every
// end-to-end file that needs one: the first file to ask runs it, the others wait for it. Each test works on a copy.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { tempDir } from './temp';

export interface SmokeRun {
  /** The data folder it ran in: read it, or copy it (`copyOfSmoke`) to write. */
  dataDir: string;
  code: number | null;
  out: string;
  err: string;
}

const TIMEOUT_MS = 400_000;

/** The shared smoke experiment, run now by the first caller of this test run. */
export async function sharedSmoke(): Promise<SmokeRun> {
  const root = inject('sharedDir');
  const dataDir = join(root, 'smoke');
  const result = join(root, 'smoke.json');
  let owner = false;
  try {
    mkdirSync(dataDir); // atomic: exactly one file gets to run it
    owner = true;
  } catch {
    // another file is running it
  }
  if (owner) {
    const run = await new Promise<SmokeRun>((resolve) => {
      const child = spawn(
        process.execPath,
        ['bin/aepo-lab.js', '--data-dir', dataDir, 'experiment', 'start', '--preset', 'smoke', '--json'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('close', (code) => resolve({ dataDir, code, out, err }));
    });
    writeFileSync(result, JSON.stringify(run));
    return run;
  }
  for (const started = Date.now(); !existsSync(result); await sleep(250)) {
    if (Date.now() - started > TIMEOUT_MS)
      throw new Error(`the shared smoke experiment did not finish in ${TIMEOUT_MS} ms`);
  }
  return JSON.parse(readFileSync(result, 'utf8')) as SmokeRun;
}

/** A private copy of the shared smoke data folder, removed after the test file. */
export async function copyOfSmoke(): Promise<string> {
  const { dataDir } = await sharedSmoke();
  const copy = tempDir('aepo-lab-smoke-copy-');
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

/** A fresh data folder holding only the smoke preset's cached base checkpoint, so its cold start is reused. */
export async function withSmokeBase(): Promise<string> {
  const { dataDir } = await sharedSmoke();
  const fresh = tempDir();
  const folder = join(dataDir, 'checkpoints');
  mkdirSync(join(fresh, 'checkpoints'));
  for (const file of readdirSync(folder).filter((f) => f.startsWith('base-')))
    cpSync(join(folder, file), join(fresh, 'checkpoints', file));
  return fresh;
}
