/** Telling a live run from one a stopped process left "running", and naming runs in messages. */
import type { Run } from '../../store/records';

/** True when no live process owns the run: no owner recorded, or the owner's process is gone. */
export function isInterrupted(ownerPid: number | null): boolean {
  if (ownerPid === null) return true;
  try {
    process.kill(ownerPid, 0); // signal 0 only checks that the process exists
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to another user; only ESRCH means it is gone.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** "aepo mini-gsm8k seed 1": how progress lines and failures name a run. */
export const runLabel = (run: Pick<Run, 'algorithm' | 'benchmark' | 'seed'>) =>
  `${run.algorithm} ${run.benchmark} seed ${run.seed}`;
