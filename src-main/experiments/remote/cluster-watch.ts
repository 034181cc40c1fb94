/**
 * Watching the runs that run on Ray clusters: each run's status mirrors its job's, its log streams into the run's
 * log, and the verl metrics the relay copies into the job log are imported as they come, so charts, Compare and the
 * export treat remote runs like local ones. A lost connection is retried with backoff and only ever shows as a
 * message: the run is not marked failed because the dashboard could not be reached.
 */
import type { EventBus } from '../../core/events';
import {
  ClusterUnreachableError,
  rayJobsClient,
  TERMINAL_RAY_STATUSES,
  type RayJobRequest,
  type RayJobStatus,
} from '../../clusters/ray-jobs-client';
import { tailJobLog } from '../../clusters/ray-log-tail';
import type { Services } from '../../services';
import type { ClusterJob } from '../../store/clusters-repo';
import type { RunStatus } from '../../store/records';
import { parseVerlRecord } from '../imports/verl-import';
import { runConfigOf } from '../plan/run-config';
import { METRICS_MARKER } from './job-scripts';
import { recordRemoteEvaluation } from './remote-results';
import { failRefused, refusedByCluster, sendJob } from './submit';

const RUN_STATUS_OF: Record<RayJobStatus, RunStatus> = {
  PENDING: 'queued',
  RUNNING: 'running',
  SUCCEEDED: 'completed',
  FAILED: 'failed',
  STOPPED: 'cancelled',
};

export interface WatchOptions {
  /** How often job statuses are polled. */
  pollMs?: number;
  /** The longest wait between tries while a cluster can't be reached. */
  maxBackoffMs?: number;
}

export class ClusterWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly tails = new Map<number, AbortController>();
  /** Per cluster: failed tries in a row, and when to try again. */
  private readonly backoff = new Map<string, { failures: number; until: number }>();
  private readonly partial = new Map<number, string>();
  private ticking: Promise<void> | undefined;
  /** Set when the lab closes: a reply that arrives afterwards is dropped, the database being closed. */
  private disposed = false;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly services: Services,
    private readonly bus: EventBus,
    options: WatchOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 3000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  /** Polls until stopped; safe to call twice. */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.timer = setTimeout(() => void this.tick().finally(() => this.timer && loop()), this.pollMs);
    };
    this.timer = setTimeout(() => void this.tick().finally(loop), 0);
  }

  /** Stops polling and closes the log streams; resolves once a pass in flight has finished. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const tail of this.tails.values()) tail.abort();
    this.tails.clear();
    await this.ticking;
  }

  /** For the lab's close: stops, and drops whatever arrives afterwards. */
  dispose(): void {
    this.disposed = true;
    void this.stop();
  }

  /** Jobs that have not ended. */
  active(): ClusterJob[] {
    return this.services.clusters.jobs.jobs().filter((job) => !TERMINAL_RAY_STATUSES.includes(job.rayStatus as never));
  }

  /** One pass over every job that has not ended; one at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.pass().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async pass(): Promise<void> {
    for (const job of this.active()) {
      if (this.disposed) return;
      const wait = this.backoff.get(job.cluster);
      if (wait && Date.now() < wait.until) continue;
      try {
        await this.check(job);
        this.backoff.delete(job.cluster);
      } catch (error) {
        if (this.disposed) return;
        if (!(error instanceof ClusterUnreachableError)) {
          this.services.clusters.jobs.setStatus(job.runId, job.rayStatus, (error as Error).message);
          continue;
        }
        const failures = (wait?.failures ?? 0) + 1;
        const delay = Math.min(this.pollMs * 2 ** failures, this.maxBackoffMs);
        this.backoff.set(job.cluster, { failures, until: Date.now() + delay });
        this.services.clusters.jobs.setStatus(
          job.runId,
          job.rayStatus,
          `${(error as Error).message}; retrying in ${Math.round(delay / 1000)} s (the job itself is not affected)`,
        );
        this.bus.emit('store.changed', { tables: ['runs'] });
      }
    }
  }

  private async check(job: ClusterJob): Promise<void> {
    const client = rayJobsClient(this.services.clusters.endpoint(job.cluster));
    if (job.rayStatus === 'SUBMITTING') {
      try {
        await sendJob(client, JSON.parse(job.request) as RayJobRequest);
      } catch (error) {
        if (!refusedByCluster(error)) throw error;
        failRefused(this.services, job.runId, error.message);
        return;
      }
      this.services.clusters.jobs.setStatus(job.runId, 'PENDING', 'submitted');
      return;
    }
    const details = await client.job(job.submissionId);
    if (!details) {
      this.services.clusters.jobs.setStatus(
        job.runId,
        job.rayStatus,
        'the cluster does not know this job (restarted?)',
      );
      return;
    }
    const terminal = TERMINAL_RAY_STATUSES.includes(details.status);
    if (terminal) {
      // The whole log once more: whatever the stream missed (it may never have been open) is read from it.
      this.tails.get(job.runId)?.abort();
      this.tails.delete(job.runId);
      this.partial.delete(job.runId);
      this.consume(job.runId, (await client.logs(job.submissionId)).slice(this.current(job.runId).logChars), true);
    } else if (details.status === 'RUNNING' && !this.tails.has(job.runId)) this.follow(job, client);
    this.mirror(job.runId, details.status, details.message ?? '');
  }

  private current(runId: number): ClusterJob {
    return this.services.clusters.jobs.job(runId)!;
  }

  /** Streams the log; Ray sends it from the start each time, so what was read before is skipped. */
  private follow(job: ClusterJob, client: ReturnType<typeof rayJobsClient>): void {
    const abort = new AbortController();
    this.tails.set(job.runId, abort);
    let seen = 0;
    const skip = this.current(job.runId).logChars;
    this.partial.delete(job.runId);
    tailJobLog(
      client.tailUrl(job.submissionId),
      client.authHeaders(),
      (text) => {
        const fresh = text.slice(Math.max(0, skip - seen));
        seen += text.length;
        if (fresh) this.consume(job.runId, fresh, false);
      },
      abort.signal,
    )
      .catch(() => undefined) // a broken stream is reopened by the next poll; the final read catches up
      .finally(() => {
        if (this.tails.get(job.runId) === abort) this.tails.delete(job.runId);
      });
  }

  /**
   * New log text: metric lines go to the run's metrics, the others to its log. `logChars` counts the complete lines
   * read; a line still being written waits in `partial` (and is read again from the log after a restart).
   */
  private consume(runId: number, text: string, final: boolean): void {
    if (this.disposed) return;
    const job = this.current(runId);
    const joined = (this.partial.get(runId) ?? '') + text;
    const cut = final ? joined.length : joined.lastIndexOf('\n') + 1;
    this.partial.set(runId, joined.slice(cut));
    if (cut === 0) return;
    let metricsStep = job.metricsStep;
    const run = this.services.runs.get(runId);
    const totalSteps = runConfigOf(run)?.training.steps ?? 0;
    for (const line of joined.slice(0, cut).split('\n')) {
      if (!line.startsWith(METRICS_MARKER)) {
        if (line.trim() !== '') this.say(runId, line.slice(0, 2000));
        continue;
      }
      let samples;
      try {
        samples = parseVerlRecord(line.slice(METRICS_MARKER.length), `run ${runId}'s job log`);
      } catch (error) {
        this.say(runId, `a metrics line was skipped: ${(error as Error).message}`);
        continue;
      }
      const step = samples[0]?.step;
      if (step === undefined || step <= metricsStep) continue; // read before (a stream reopened from the start)
      this.services.metrics.append(runId, samples);
      metricsStep = step;
      const metrics = Object.fromEntries(samples.map((s) => [s.key, s.value]));
      this.bus.emit('run.step', { runId, experimentId: run.experimentId, step, totalSteps, metrics });
    }
    this.services.clusters.jobs.setProgress(runId, { logChars: job.logChars + cut, metricsStep });
  }

  private say(runId: number, line: string): void {
    this.services.runs.log(runId, line);
    this.bus.emit('run.log', { runId, experimentId: this.services.runs.get(runId).experimentId, line });
  }

  /** The run's status follows the job's, through the statuses a run may pass. */
  private mirror(runId: number, status: RayJobStatus, message: string): void {
    this.services.clusters.jobs.setStatus(runId, status, message);
    const run = this.services.runs.get(runId);
    const target = RUN_STATUS_OF[status];
    if (run.status === target) {
      this.bus.emit('store.changed', { tables: ['runs'] });
      return;
    }
    if (run.status === 'queued' && (target === 'completed' || target === 'failed'))
      this.services.runs.setStatus(runId, { status: 'running', backend: 'verl on Ray' });
    if (target === 'completed' && !recordRemoteEvaluation(this.services, runId))
      this.say(runId, 'the job logged no validation accuracy (val-core/…/acc): the run has no Pass@1');
    if (target === 'running') this.services.runs.setStatus(runId, { status: 'running', backend: 'verl on Ray' });
    else if (target !== 'queued')
      this.services.runs.setStatus(runId, { status: target, error: target === 'failed' ? message || 'failed' : null });
  }
}
