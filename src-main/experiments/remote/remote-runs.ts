/** What the API offers about clusters and the runs on them, beyond submitting (submit.ts) and watching. */
import { LabError } from '../../core/errors';
import { rayJobsClient, TERMINAL_RAY_STATUSES } from '../../clusters/ray-jobs-client';
import type { Services } from '../../services';
import type { ClusterJobStatus } from '../../store/clusters-repo';
import type { Run } from '../../store/records';
import type { RemoteRunView } from '../execution/run-executor';
import { ALGORITHM_IDS } from '../../rl/types';
import { LAUNCH_TABLE } from './verl-launch';

export interface LaunchRow {
  algorithm: string;
  codeBase: string | null;
  repository: string | null;
  entrypoint: string | null;
  note: string;
  /** Why it can't be sent, when it can't. */
  refused: string | null;
}

/** The per-algorithm table of docs/clusters.md, from the code that builds the jobs. */
export function launchTable(): LaunchRow[] {
  return ALGORITHM_IDS.map((algorithm) => {
    const recipe = LAUNCH_TABLE[algorithm];
    return 'refused' in recipe
      ? { algorithm, codeBase: null, repository: null, entrypoint: null, note: '', refused: recipe.refused }
      : {
          algorithm,
          codeBase: recipe.codeBase,
          repository: recipe.repository,
          entrypoint: recipe.entrypoint,
          note: recipe.note,
          refused: null,
        };
  });
}

export interface ClusterCheck {
  name: string;
  address: string;
  /** The Jobs API version and Ray's. */
  apiVersion: string;
  rayVersion: string;
}

export async function checkCluster(services: Services, name: string): Promise<ClusterCheck> {
  const endpoint = services.clusters.endpoint(name);
  const version = await rayJobsClient(endpoint).version();
  return { name, address: endpoint.address, apiVersion: version.version, rayVersion: version.ray_version };
}

export function remoteRun(services: Services, runId: number): RemoteRunView | null {
  const job = services.clusters.jobs.job(services.runs.get(runId).id);
  if (!job) return null;
  const { cluster, submissionId, rayStatus, message, metricsStep, updatedAt } = job;
  return {
    cluster,
    address: services.clusters.endpoint(cluster).address,
    submissionId,
    rayStatus,
    message,
    metricsStep,
    updatedAt,
  };
}

const ended = (status: ClusterJobStatus) => TERMINAL_RAY_STATUSES.includes(status as never);

/** Stops a run's job on its cluster; the watcher mirrors the STOPPED status when Ray reports it. */
export async function stopRemoteRun(services: Services, runId: number): Promise<{ changed: boolean }> {
  const job = services.clusters.jobs.job(runId);
  if (!job) throw new LabError('not_found', `run ${runId} has no cluster job`);
  if (ended(job.rayStatus)) return { changed: false };
  if (job.rayStatus === 'SUBMITTING') {
    // Never reached the cluster (or no reply came): stopping it means not retrying it.
    const onCluster = await rayJobsClient(services.clusters.endpoint(job.cluster))
      .job(job.submissionId)
      .catch(() => null);
    if (!onCluster) {
      services.clusters.jobs.setStatus(runId, 'STOPPED', 'stopped before it reached the cluster');
      services.runs.setStatus(runId, { status: 'cancelled' });
      return { changed: true };
    }
  }
  const stopped = await rayJobsClient(services.clusters.endpoint(job.cluster)).stop(job.submissionId);
  return { changed: stopped };
}

/** Deleting a remote run: its job is stopped, and deleted on the cluster once it has ended; then the run goes. */
export async function deleteRemoteRun(services: Services, runId: number): Promise<void> {
  const job = services.clusters.jobs.job(runId);
  if (!job) return;
  const client = rayJobsClient(services.clusters.endpoint(job.cluster));
  const onCluster = await client.job(job.submissionId);
  if (!onCluster) return;
  if (!TERMINAL_RAY_STATUSES.includes(onCluster.status))
    throw new LabError(
      'conflict',
      `run ${runId}'s job ${job.submissionId} is ${onCluster.status} on ${job.cluster}; stop it first, then delete the run once it has stopped`,
    );
  await client.delete(job.submissionId);
}

/** An experiment goes only once none of its runs is still going on a cluster (its jobs would run on, unwatched). */
export function refuseWhileOnCluster(services: Services, runs: Run[]): void {
  const runIds = new Set(runs.map((run) => run.id));
  const going = services.clusters.jobs.jobs().filter((job) => runIds.has(job.runId) && !ended(job.rayStatus));
  if (going.length > 0)
    throw new LabError(
      'conflict',
      `experiment ${runs[0]!.experimentId} has ${going.length} run(s) still going on ${[...new Set(going.map((j) => j.cluster))].join(', ')}; stop them first`,
    );
}
