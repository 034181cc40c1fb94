#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is available; otherwise one line saying why, then serve mode
// (the same UI in a browser). Arguments after `npm start --` go to the app, e.g. `npm start -- --port 8080`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
// Set, it would make the Electron binary behave as plain Node.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;

if (!existsSync(new URL('../out/main/index.js', import.meta.url))) {
  console.error('aepo-lab: the app is not built yet; run `npm run build` first');
  process.exit(1);
}

/**
 * The electron package finds (and, since v42, downloads on first use) its binary when required. It is asked in a
 * child process so a failed download's stack trace doesn't flood the terminal.
 */
function findElectron() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env,
  });
  if (probe.status === 0 && probe.stdout && existsSync(probe.stdout)) return { binary: probe.stdout };
  const reason = `${probe.stderr ?? ''}`.match(/(fetch failed|ENOTFOUND[^\n]*|ETIMEDOUT|checksum[^\n]*)/i)?.[1];
  return { reason: reason ?? (probe.error ? probe.error.message : 'binary missing') };
}

const electron = findElectron();
if (electron.binary) {
  const child = spawn(electron.binary, [root, ...args], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
} else {
  console.log(
    `Electron's binary is not installed and could not be fetched (${electron.reason}); starting serve mode instead.`,
  );
  process.argv = [process.argv[0], 'aepo-lab', 'serve', ...args];
  await import(new URL('../out/main/cli.js', import.meta.url).href);
}
