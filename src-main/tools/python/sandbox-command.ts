/**
 * How a python sandbox process is started: which Deno binary, which files it may read, and the permission flags.
 *
 * Why Deno (measured; docs/python-sandbox.md has the table): Deno's runtime checks every file, network, process,
 * environment, system-information and FFI operation against the permissions it was started with, for JavaScript
 * running inside it too, so code that has escaped Pyodide into JavaScript still cannot reach the host. Node's
 * permission model (Node 20/22) has no network permission: a loopback listener got a connection from a "locked"
 * Node process. Deno ships as a prebuilt binary inside the `deno` npm package (one optional package per platform), so
 * the same binary runs under the CLI, serve mode, CI and Electron, which never runs the sandbox on its own Node.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SandboxConfig } from './sandbox-protocol';

const nodeRequire = createRequire(import.meta.url);

/** The platform packages the `deno` npm package installs (one of them, as an optional dependency). */
const DENO_PACKAGES: Record<string, string> = {
  'linux-x64': '@deno/linux-x64-glibc',
  'linux-arm64': '@deno/linux-arm64-glibc',
  'darwin-x64': '@deno/darwin-x64',
  'darwin-arm64': '@deno/darwin-arm64',
  'win32-x64': '@deno/win32-x64',
  'win32-arm64': '@deno/win32-arm64',
};

/** In a packaged Electron app, binaries and the files a child process reads live beside the asar archive. */
const unpacked = (path: string) => path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');

export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

/** The Deno binary: `AEPO_LAB_DENO` (a path) where set, else the one the `deno` npm package installed. */
export function denoBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AEPO_LAB_DENO) return env.AEPO_LAB_DENO;
  const name = DENO_PACKAGES[`${process.platform}-${process.arch}`];
  if (!name)
    throw new SandboxUnavailableError(
      `the python sandbox needs Deno, which has no package for ${process.platform}-${process.arch}; set AEPO_LAB_DENO to a deno binary`,
    );
  try {
    const binary = unpacked(
      join(dirname(nodeRequire.resolve(`${name}/package.json`)), process.platform === 'win32' ? 'deno.exe' : 'deno'),
    );
    if (existsSync(binary)) return binary;
  } catch {
    // not installed: reported below
  }
  throw new SandboxUnavailableError(
    `the python sandbox needs Deno from the npm package ${name}, which is not installed (run npm ci, or set AEPO_LAB_DENO to a deno binary)`,
  );
}

/** Pyodide's folder (the only host files the sandbox may read). */
export function pyodideDir(): string {
  return unpacked(dirname(nodeRequire.resolve('pyodide/package.json')));
}

export interface SandboxCommand {
  binary: string;
  args: string[];
  /** The sandbox's own (sandboxEnvironment): it never sees the app's environment (API keys, tokens, paths). */
  env: Record<string, string>;
  cwd: string;
}

export interface SandboxCommandOptions {
  /** The sandbox's entry: out/main/python-sandbox.js, or src-main/tools/python/sandbox-host.ts (Deno runs TypeScript). */
  hostScript: string;
  /** The interpreter's heap ceiling, MiB. */
  wasmHeapMb: number;
  /** The process's JavaScript heap ceiling, MiB. */
  jsHeapMb: number;
  spareInterpreters: number;
  javascriptRequests?: boolean;
}

/** The interpreter Worker's entry beside the sandbox's: built python-interpreter.js, or its TypeScript source. */
export function interpreterScriptBeside(hostScript: string): string {
  return hostScript.endsWith('.ts')
    ? join(dirname(hostScript), 'sandbox-interpreter.ts')
    : join(dirname(hostScript), 'python-interpreter.js');
}

/**
 * The sandbox's whole environment. Deno keeps Web Storage and the Cache API under its own folder, written by Deno
 * itself whatever the permissions: that folder is placed under a file, so it can never be created and nothing a call
 * stores survives it. No WebGPU backend: the host's GPU driver is never loaded.
 */
export function sandboxEnvironment(pyodide: string): Record<string, string> {
  return {
    DENO_DIR: join(pyodide, 'package.json', 'no-deno-dir'),
    DENO_WEBGPU_BACKEND: 'none',
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  };
}

export function sandboxCommand(options: SandboxCommandOptions): SandboxCommand {
  const pyodide = pyodideDir();
  const hostScript = unpacked(options.hostScript);
  const interpreterScript = interpreterScriptBeside(hostScript);
  const config: SandboxConfig = {
    pyodideDir: join(pyodide, '/'),
    pyodideModule: pathToFileURL(join(pyodide, 'pyodide.mjs')).href,
    interpreterScript: pathToFileURL(interpreterScript).href,
    wasmHeapMb: options.wasmHeapMb,
    spareInterpreters: options.spareInterpreters,
    javascriptRequests: options.javascriptRequests ?? false,
  };
  const args = [
    'run',
    // Never ask on a terminal: a missing permission is an error.
    '--no-prompt',
    // No deno.json, package.json, lock file or node_modules of the working folder shapes what runs.
    '--no-config',
    '--no-lock',
    // Module specifiers that would make Deno itself download (npm:, jsr:, https:) are refused, not fetched.
    '--no-npm',
    '--no-remote',
    '--cached-only',
    '--deny-import',
    // Everything denied explicitly, so a default changed in a later Deno can't open anything.
    '--deny-net',
    '--deny-env',
    '--deny-run',
    '--deny-write',
    '--deny-ffi',
    '--deny-sys',
    // The one permission: read Pyodide's files and the two entry scripts.
    `--allow-read=${pyodide},${hostScript},${interpreterScript}`,
    `--v8-flags=--max-old-space-size=${options.jsHeapMb}`,
    hostScript,
    JSON.stringify(config),
  ];
  // The file system's root as the working folder: no host path to read back from Deno.cwd() (read is denied there).
  return { binary: denoBinary(), args, env: sandboxEnvironment(pyodide), cwd: parse(pyodide).root };
}
