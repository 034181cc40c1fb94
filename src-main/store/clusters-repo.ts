import type { Db } from './database';

export interface ClusterRow {
  name: string;
  address: string;
  createdAt: number;
}

export const CLUSTER_JOB_STATUSES = ['SUBMITTING', 'PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'] as const;
export type ClusterJobStatus = (typeof CLUSTER_JOB_STATUSES)[number];

/** The Ray job behind a run on a cluster. */
export interface ClusterJob {
  runId: number;
  cluster: string;
  submissionId: string;
  rayStatus: ClusterJobStatus;
  message: string;
  /** Characters of the job's log read so far. */
  logChars: number;
  /** The last verl step whose metrics were imported (−1: none). */
  metricsStep: number;
  /** The exact JSON body sent to POST /api/jobs/. */
  request: string;
  submittedAt: number;
  updatedAt: number;
}

const JOB_COLUMNS = `run_id AS runId, cluster, submission_id AS submissionId, ray_status AS rayStatus, message,
  log_chars AS logChars, metrics_step AS metricsStep, request, submitted_at AS submittedAt, updated_at AS updatedAt`;

/** Clusters and their jobs: typed rows, no HTTP. */
export function createClustersRepo(db: Db) {
  const list = db.prepare('SELECT name, address, created_at AS createdAt FROM clusters ORDER BY name');
  const get = db.prepare('SELECT name, address, created_at AS createdAt FROM clusters WHERE name = ?');
  const upsert = db.prepare(`INSERT INTO clusters (name, address, created_at) VALUES (?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET address = excluded.address`);
  const remove = db.prepare('DELETE FROM clusters WHERE name = ?');
  const jobsOn = db.prepare('SELECT COUNT(*) AS n FROM cluster_jobs WHERE cluster = ?');
  const job = db.prepare(`SELECT ${JOB_COLUMNS} FROM cluster_jobs WHERE run_id = ?`);
  const jobs = db.prepare(`SELECT ${JOB_COLUMNS} FROM cluster_jobs ORDER BY run_id`);
  const insertJob = db.prepare(`INSERT INTO cluster_jobs (run_id, cluster, submission_id, request, submitted_at,
    updated_at) VALUES (@runId, @cluster, @submissionId, @request, @now, @now)`);
  const setStatus = db.prepare(
    'UPDATE cluster_jobs SET ray_status = @status, message = @message, updated_at = @now WHERE run_id = @runId',
  );
  const setProgress = db.prepare(
    'UPDATE cluster_jobs SET log_chars = @logChars, metrics_step = @metricsStep, updated_at = @now WHERE run_id = @runId',
  );
  return {
    list: (): ClusterRow[] => list.all() as ClusterRow[],
    get: (name: string): ClusterRow | undefined => get.get(name) as ClusterRow | undefined,
    save: (name: string, address: string, now = Date.now()) => upsert.run(name, address, now),
    remove: (name: string): boolean => remove.run(name).changes > 0,
    jobCount: (name: string): number => (jobsOn.get(name) as { n: number }).n,
    job: (runId: number): ClusterJob | undefined => job.get(runId) as ClusterJob | undefined,
    jobs: (): ClusterJob[] => jobs.all() as ClusterJob[],
    addJob(row: Pick<ClusterJob, 'runId' | 'cluster' | 'submissionId' | 'request'>, now = Date.now()): void {
      insertJob.run({ ...row, now });
    },
    setStatus(runId: number, status: ClusterJobStatus, message: string, now = Date.now()): void {
      setStatus.run({ runId, status, message, now });
    },
    setProgress(runId: number, progress: Pick<ClusterJob, 'logChars' | 'metricsStep'>, now = Date.now()): void {
      setProgress.run({ runId, ...progress, now });
    },
  };
}

export type ClustersRepo = ReturnType<typeof createClustersRepo>;
