/**
 * The Ray executor: a run sent to a cluster is a verl job there (submit.ts), and its status mirrors the job's
 * (cluster-watch.ts). It can be stopped and deleted from the lab, never paused or started here.
 */
import { LabError } from '../../core/errors';
import type { Services } from '../../services';
import type { RunExecutor } from '../execution/run-executor';
import { deleteRemoteRun, refuseWhileOnCluster, remoteRun, stopRemoteRun } from './remote-runs';

export function rayExecutor(services: Services): RunExecutor {
  return {
    kind: 'ray',
    canPause: false,
    start: (run) => {
      throw new LabError('conflict', `run ${run.id} was sent to a cluster; its status follows the job there`);
    },
    // Ray jobs can be stopped, not paused: verl resumes from its own checkpoints only when started again.
    pause: (run) => {
      throw new LabError('conflict', `run ${run.id} runs on a cluster; stop it there instead of pausing`);
    },
    cancel: (run) => stopRemoteRun(services, run.id),
    release: (run) => deleteRemoteRun(services, run.id),
    releaseExperiment: async (runs) => refuseWhileOnCluster(services, runs),
    status: (run) => {
      const view = remoteRun(services, run.id);
      if (!view) throw new LabError('not_found', `run ${run.id} has no cluster job`);
      return { executor: 'ray', status: run.status, ...view };
    },
  };
}
