/** The `aepo-lab` command (bin/aepo-lab.js loads the built copy of this file). */
import { fileURLToPath } from 'node:url';
import { runCli } from './main';
import { statusBlock } from './status-block';

// Built as out/main/cli.js next to out/renderer/, which serve mode hands to the browser.
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const benchDir = fileURLToPath(new URL('../../bench', import.meta.url));
const workerDir = fileURLToPath(new URL('.', import.meta.url));

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  io: {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    // On a terminal the runs' progress lines redraw in place; piped or in a file, every update is a line of its own.
    status: process.stderr.isTTY ? statusBlock(process.stderr) : undefined,
  },
  rendererDir,
  benchDir,
  workerDir,
  stopSignal,
});
