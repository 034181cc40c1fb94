/**
 * The local executor: a run trains in a worker thread under this process's scheduler, or in another lab process
 * that owns its row (run-ownership.ts), which is asked through the row.
 */
import type { Services } from '../../services';
import type { Run } from '../../store/records';
import type { ExperimentRunner } from './experiment-runner';
import type { RunExecutor } from './run-executor';

export function localExecutor(services: Services, runner: ExperimentRunner): RunExecutor {
  return {
    kind: 'local',
    canPause: true,
    start: (run) => runner.startRun(run.id),
    pause: (run) => runner.pauseRun(run.id),
    cancel: async (run) => runner.cancelRun(run.id),
    // Its worker stops before its rows go.
    release: async (run) => void runner.cancelRun(run.id),
    releaseExperiment: async (runs: Run[]) => runs.forEach((run) => runner.cancelRun(run.id)),
    status: (run) => ({
      executor: 'local',
      status: run.status,
      owner: runner.runsHere(run.id)
        ? 'here'
        : run.status === 'running' && services.runs.ownership(run.id)?.ownerPid != null
          ? 'elsewhere'
          : null,
    }),
  };
}
