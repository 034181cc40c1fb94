/**
 * Sending an experiment to a Ray cluster: one Ray job per (algorithm, benchmark, seed) run that runs verl with the
 * entrypoint and Hydra overrides of LAUNCH_TABLE. The submission id is derived from the run, and recorded before the
 * request goes out, so a retry (a lost reply, a crash, a second click) can never start the same run twice: Ray
 * refuses a second job under an id it knows.
 */
import { createHash } from 'node:crypto';
import { LabError } from '../../core/errors';
import {
  ClusterReplyError,
  packagePath,
  rayJobsClient,
  type RayJobRequest,
  type RayJobsClient,
  type WireRequest,
} from '../../clusters/ray-jobs-client';
import type { Services } from '../../services';
import type { Run } from '../../store/records';
import type { AlgorithmId } from '../../rl/types';
import { requireRunConfig } from '../plan/run-config';
import { runLabel } from '../execution/run-ownership';
import { jobPackage, type JobPackage } from './job-package';
import { effectiveSettings, LAUNCH_TABLE, sharedOverrides, shellWord, type ClusterShape } from './verl-launch';

export interface SubmitRequest extends Partial<ClusterShape> {
  experimentId: number;
  cluster: string;
  dryRun: boolean;
  /** Only these algorithms' runs (a cluster has one fork installed at a time; docs/clusters.md). */
  algorithms?: string[];
}

export interface SubmittedJob {
  runId: number;
  label: string;
  outcome: 'submitted' | 'already submitted' | 'refused' | 'dry run' | 'will retry';
  submissionId?: string;
  codeBase?: string;
  reason?: string;
}

export interface SubmitResult {
  cluster: string;
  address: string;
  dryRun: boolean;
  jobs: SubmittedJob[];
  /** Every request, in order, as it goes (or would go) over the wire. */
  requests: WireRequest[];
}

/** The paper's setting: Qwen3-14B on one node of 8 GPUs. */
export const DEFAULT_SHAPE: ClusterShape = { model: 'Qwen/Qwen3-14B', nodes: 1, gpusPerNode: 8 };

/** `aepo-lab-run-<id>-<hash of its creation time>`: the same for every retry, different across data folders. */
export function submissionIdOf(run: Pick<Run, 'id' | 'createdAt'>): string {
  const stamp = createHash('sha256').update(String(run.createdAt)).digest('hex').slice(0, 8);
  return `aepo-lab-run-${run.id}-${stamp}`;
}

interface Planned {
  run: Run;
  codeBase: string;
  request: RayJobRequest;
  pkg: JobPackage;
}

function plan(services: Services, request: SubmitRequest, shape: ClusterShape) {
  const runs = services.runs
    .list({ experimentId: services.experiments.get(request.experimentId).id })
    .filter((run) => run.algorithm !== 'base')
    .filter((run) => !request.algorithms || request.algorithms.includes(run.algorithm))
    .reverse();
  if (runs.length === 0) throw new LabError('invalid_input', `experiment ${request.experimentId} has no runs to send`);
  const packages = new Map<string, JobPackage>();
  const planned: Planned[] = [];
  const outcomes: SubmittedJob[] = [];
  for (const run of runs) {
    const label = runLabel(run);
    const recipe = LAUNCH_TABLE[run.algorithm as AlgorithmId];
    const refuse = (reason: string) => outcomes.push({ runId: run.id, label, outcome: 'refused', reason });
    if (!recipe) refuse(`"${run.algorithm}" has no launch recipe`);
    else if ('refused' in recipe) refuse(`no faithful implementation to run on verl: ${recipe.refused}`);
    else if (services.clusters.jobs.job(run.id))
      outcomes.push({
        runId: run.id,
        label,
        outcome: 'already submitted',
        submissionId: services.clusters.jobs.job(run.id)!.submissionId,
      });
    else if (run.status !== 'queued') refuse(`it is ${run.status} here; only runs that have not started can be sent`);
    else {
      const config = requireRunConfig(run);
      const key = JSON.stringify([run.benchmark, config.training.trainItems, config.evaluation.items]);
      const pkg = packages.get(key) ?? jobPackage(run.benchmark, config);
      packages.set(key, pkg);
      const settings = effectiveSettings(run.algorithm as AlgorithmId, config);
      const words = [
        'python3',
        'aepo_lab/relay.py',
        '--',
        ...recipe.entrypoint.split(' '),
        ...recipe.overrides(settings, config),
        ...sharedOverrides(run, settings, config, shape),
      ];
      const submissionId = submissionIdOf(run);
      planned.push({
        run,
        codeBase: recipe.codeBase,
        pkg,
        request: {
          entrypoint: words.map(shellWord).join(' '),
          submission_id: submissionId,
          runtime_env: { working_dir: pkg.uri, env_vars: { PYTHONUNBUFFERED: '1' } },
          metadata: {
            app: 'aepo-lab',
            run_id: String(run.id),
            experiment_id: String(run.experimentId),
            algorithm: run.algorithm,
            benchmark: run.benchmark,
            seed: String(run.seed),
            code_base: recipe.codeBase,
          },
          entrypoint_num_cpus: 1,
        },
      });
      outcomes.push({ runId: run.id, label, outcome: 'dry run', submissionId, codeBase: recipe.codeBase });
    }
  }
  return { planned, outcomes, packages: [...new Set(planned.map((p) => p.pkg))] };
}

export async function submitExperiment(services: Services, request: SubmitRequest): Promise<SubmitResult> {
  const shape: ClusterShape = { ...DEFAULT_SHAPE, ...definedOnly(request) };
  const endpoint = services.clusters.endpoint(request.cluster);
  const client = rayJobsClient(endpoint);
  const { planned, outcomes, packages } = plan(services, request, shape);
  const requests: WireRequest[] = [];
  const result = {
    cluster: request.cluster,
    address: client.address,
    dryRun: request.dryRun,
    jobs: outcomes,
    requests,
  };
  if (request.dryRun) {
    for (const pkg of packages) {
      requests.push({ method: 'GET', url: `${client.address}${packagePath(pkg.uri)}` });
      requests.push({
        method: 'PUT',
        url: `${client.address}${packagePath(pkg.uri)}`,
        bodyBytes: { bytes: pkg.zip.length, sha256: pkg.sha256 },
      });
    }
    for (const job of planned) requests.push({ method: 'POST', url: `${client.address}/api/jobs/`, body: job.request });
    return result;
  }
  for (const pkg of packages) {
    requests.push({ method: 'GET', url: `${client.address}${packagePath(pkg.uri)}` });
    if (await client.hasPackage(pkg.uri)) continue;
    requests.push({ method: 'PUT', url: `${client.address}${packagePath(pkg.uri)}` });
    await client.uploadPackage(pkg.uri, pkg.zip);
  }
  for (const job of planned) {
    // Recorded first: whatever happens to the request, the run is bound to this id and never trains here.
    services.clusters.jobs.addJob({
      runId: job.run.id,
      cluster: request.cluster,
      submissionId: job.request.submission_id,
      request: JSON.stringify(job.request),
    });
    requests.push({ method: 'POST', url: `${client.address}/api/jobs/`, body: job.request });
    const outcome = outcomes.find((o) => o.runId === job.run.id)!;
    try {
      await sendJob(client, job.request);
      services.clusters.jobs.setStatus(job.run.id, 'PENDING', 'submitted');
      outcome.outcome = 'submitted';
    } catch (error) {
      const message = (error as Error).message;
      if (refusedByCluster(error)) {
        failRefused(services, job.run.id, message);
        outcome.outcome = 'refused';
      } else {
        services.clusters.jobs.setStatus(job.run.id, 'SUBMITTING', message);
        outcome.outcome = 'will retry';
      }
      outcome.reason = message;
    }
  }
  return result;
}

/** Ray answered 400 to the job itself (not to a duplicate id): a verdict on the request, so retrying can't help. */
export function refusedByCluster(error: unknown): error is ClusterReplyError {
  return error instanceof ClusterReplyError && error.httpStatus === 400;
}

/** Submits once; a job Ray already has under this id (an earlier try whose reply was lost) counts as submitted. */
export async function sendJob(client: RayJobsClient, request: RayJobRequest): Promise<void> {
  try {
    await client.submit(request);
  } catch (error) {
    if (error instanceof ClusterReplyError && (await client.job(request.submission_id).catch(() => null))) return;
    throw error;
  }
}

/** The cluster refused the job: the run fails with Ray's reason (nothing ran). */
export function failRefused(services: Services, runId: number, message: string): void {
  services.clusters.jobs.setStatus(runId, 'FAILED', message);
  services.runs.setStatus(runId, { status: 'failed', error: `the cluster refused the job: ${message}` });
}

function definedOnly(request: SubmitRequest): Partial<ClusterShape> {
  const out: Partial<ClusterShape> = {};
  if (request.model !== undefined) out.model = request.model;
  if (request.nodes !== undefined) out.nodes = request.nodes;
  if (request.gpusPerNode !== undefined) out.gpusPerNode = request.gpusPerNode;
  return out;
}
