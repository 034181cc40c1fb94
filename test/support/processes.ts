import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';

const running: ChildProcess[] = [];

// Per file, not per test: a describe block may share one server across its tests.
afterAll(() => {
  for (const child of running.splice(0)) stop(child);
});

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM'); // the whole group: npm start runs the app in a grandchild
  } catch {
    child.kill('SIGTERM');
  }
}

export interface Started {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  output: () => string;
  url: string;
  origin: string;
  token: string;
}

/**
 * Starts a long-running command in its own process group, waits until it prints a serve URL, and stops it after
 * the test. Fails with the captured output if no URL appears in time.
 */
export function startUntilUrl(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<Started> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms; output:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /(http:\/\/[^\s/]+)\/\?token=([A-Za-z0-9_-]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => text, url: match[0], origin: match[1]!, token: match[2]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a URL; output:\n${text}`));
    });
  });
}

/** The built command (`bin/aepo-lab.js`) run to its end, asynchronously, with its exit code and output. */
export function aepoLabBuilt(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/aepo-lab.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
