/**
 * Resident memory of another process, read from outside it (the process itself can't be trusted to report it).
 * Linux: /proc/PID/statm; macOS: `ps`. Elsewhere undefined: there the sandbox relies on its own heap ceilings.
 * Also the CPU time a process has used (Linux), for the python tool's bench and tests.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PAGE_BYTES = 4096;

/** Asynchronous, so watching several processes never stalls the app's event loop (macOS has to ask `ps`). */
export async function processRssBytes(
  pid: number | undefined,
  platform: NodeJS.Platform = process.platform,
): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    if (platform === 'linux') {
      // statm: size resident shared … in pages; x86-64 and arm64 Linux use 4 KiB pages.
      const resident = Number((await readFile(`/proc/${pid}/statm`, 'utf8')).split(' ')[1]);
      return Number.isFinite(resident) ? resident * PAGE_BYTES : undefined;
    }
    if (platform === 'darwin') {
      const kib = Number(
        (await run('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8', timeout: 1_000 })).stdout.trim(),
      );
      return Number.isFinite(kib) ? kib * 1024 : undefined;
    }
  } catch {
    // the process is gone
  }
  return undefined;
}

/** CPU seconds a process has used, user and system (Linux: /proc/PID/stat); undefined elsewhere or once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // The fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
