#!/usr/bin/env node
// Thin launcher: the CLI is built with the rest of the main-process code into out/main/cli.js.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('aepo-lab: the app is not built yet; run `npm run build` (npm install does it too)');
  process.exit(1);
}
await import(cli.href);
