import { fileURLToPath } from 'node:url';

/** The python sandbox's entry from source: Deno runs the TypeScript file itself (the app runs out/main/python-sandbox.js). */
export const SANDBOX_HOST = fileURLToPath(new URL('../../src-main/tools/python/sandbox-host.ts', import.meta.url));
