import { LabError, NotFoundError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { ExperimentsRepo } from '../store/experiments-repo';
import type { Run, RunStatus } from '../store/records';
import type { NewRun, RunControl, RunFilter, RunsRepo, RunStatusChange } from '../store/runs-repo';

/** Which status a run may move to from each status; anything else is a bug in the caller, not a user choice. */
const NEXT_STATUS: Record<RunStatus, readonly RunStatus[]> = {
  // A queued run fails without running when what it would start from is unusable (a corrupt checkpoint).
  queued: ['running', 'paused', 'failed', 'cancelled'],
  running: ['paused', 'completed', 'failed', 'cancelled'],
  // A paused run is queued again to resume; a queued run is paused when its experiment is.
  paused: ['queued', 'running', 'cancelled'],
  completed: [],
  // A failed run is queued again to resume from its checkpoint, or cancelled to give it up.
  failed: ['queued', 'cancelled'],
  cancelled: ['queued'],
};

export function createRunsService(repo: RunsRepo, experiments: ExperimentsRepo, bus: EventBus, appVersion: string) {
  const get = (id: number): Run => {
    const run = repo.get(id);
    if (!run) throw new NotFoundError('run', id);
    return run;
  };

  return {
    list(filter: RunFilter = {}): Run[] {
      return repo.list(filter);
    },
    get,
    create(input: Omit<NewRun, 'appVersion'>): Run {
      if (input.experimentId != null && !experiments.get(input.experimentId)) {
        throw new NotFoundError('experiment', input.experimentId);
      }
      const run = repo.insert({ ...input, appVersion });
      bus.emit('store.changed', { tables: ['runs', 'experiments'] });
      return run;
    },
    setStatus(id: number, change: RunStatusChange): Run {
      const current = get(id);
      if (!NEXT_STATUS[current.status].includes(change.status)) {
        throw new LabError('conflict', `run ${id} is ${current.status} and cannot become ${change.status}`);
      }
      const run = repo.setStatus(id, change) ?? get(id);
      bus.emit('store.changed', { tables: ['runs', 'experiments'] });
      bus.emit('run.status', { runId: id, experimentId: run.experimentId, status: run.status, error: run.error });
      return run;
    },
    /** Sets the run's tags and/or note. */
    annotate(id: number, change: { tags?: string[]; notes?: string }): Run {
      get(id);
      repo.annotate(id, change);
      bus.emit('store.changed', { tables: ['runs'] });
      return get(id);
    },
    summaries: () => repo.summaries(),
    recordResume: (id: number, fromStep: number) => repo.recordResume(id, fromStep),
    log: (id: number, line: string) => repo.log(id, line),
    logLines: (id: number, limit = 1000) => repo.logLines(get(id).id, limit),
    resumes: (id: number) => repo.resumes(get(id).id),
    /** Marks the calling process as the run's owner (or none), so other processes can tell a live run. */
    setOwner: (id: number, pid: number | null) => repo.setOwner(id, pid),
    /** Asks the run's owner (another process) to pause or cancel it at its next step. */
    requestControl: (id: number, control: RunControl | null) => repo.setControl(id, control),
    ownership: (id: number) => repo.ownership(id),
    running: () => repo.running(),
    delete(id: number): { deleted: true } {
      if (!repo.delete(id)) throw new NotFoundError('run', id);
      bus.emit('store.changed', { tables: ['runs', 'metrics', 'experiments'] });
      return { deleted: true };
    },
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
