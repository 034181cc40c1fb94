/**
 * Resident memory of another process, read from outside it (the process itself can't be trusted to report it).
 * Linux: /proc/PID/statm; macOS: `ps`. Elsewhere undefined: there the sandbox relies on its own heap ceilings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;

export function processRssBytes(pid: number | undefined, platform: NodeJS.Platform = process.platform): number | undefined {
  if (pid === undefined) return undefined;
  try {
    if (platform === 'linux') {
      // statm: size resident shared … in pages; x86-64 and arm64 Linux use 4 KiB pages.
      const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      return Number.isFinite(resident) ? resident * PAGE_BYTES : undefined;
    }
    if (platform === 'darwin') {
      const kib = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8', timeout: 1_000 }).trim());
      return Number.isFinite(kib) ? kib * 1024 : undefined;
    }
  } catch {
    // the process is gone
  }
  return undefined;
}
