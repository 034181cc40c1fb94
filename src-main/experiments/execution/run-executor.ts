/**
 * One control interface for runs, whichever executor runs them (docs/architecture.md, "Runs and executors"). A run's
 * row names its executor (runs.executor, migrations/009_run_executor.sql): `local`, this machine's scheduler and
 * worker threads (local-executor.ts), or `ray`, a verl job on a Ray cluster (remote/ray-executor.ts). The choice is
 * made once, when a run is sent to a cluster; everything that starts, pauses, cancels or deletes a run asks here and
 * nowhere else which kind it is.
 */
import type { Services } from '../../services';
import type { ClusterJobStatus } from '../../store/clusters-repo';
import type { Run, RunExecutorKind, RunStatus } from '../../store/records';

/** A run's job on a Ray cluster, as the Ray executor reports it (remote/remote-runs.ts fills it in). */
export interface RemoteRunView {
  cluster: string;
  address: string;
  submissionId: string;
  rayStatus: ClusterJobStatus;
  message: string;
  /** The last verl step whose metrics arrived (−1: none yet). */
  metricsStep: number;
  updatedAt: number;
}

/** What executes a run, as its executor reports it. */
export type RunExecution =
  | {
      executor: 'local';
      status: RunStatus;
      /** `here`: this process's scheduler has it; `elsewhere`: another live lab process owns it; null: nobody. */
      owner: 'here' | 'elsewhere' | null;
    }
  | ({ executor: 'ray'; status: RunStatus } & RemoteRunView);

export interface RunExecutor {
  readonly kind: RunExecutorKind;
  /** Whether its runs can pause and continue (a Ray job can only be stopped, and verl resumes only when resubmitted). */
  readonly canPause: boolean;
  /** Starts a queued run, or continues a paused, failed, cancelled or interrupted one; `finished` when it ends. */
  start(run: Run): { finished: Promise<unknown> };
  /** Pauses it (with a checkpoint); false when there was nothing to pause. */
  pause(run: Run): { changed: boolean };
  /** Stops it for good; what it recorded stays. False when it had already ended. */
  cancel(run: Run): Promise<{ changed: boolean }>;
  /** Stops whatever executes it before its row is deleted; refuses (throws) while that can't be done yet. */
  release(run: Run): Promise<void>;
  /** The same for an experiment's runs of this kind, before the experiment is deleted. */
  releaseExperiment(runs: Run[]): Promise<void>;
  status(run: Run): RunExecution;
}

export type RunExecutors = Record<RunExecutorKind, RunExecutor>;

/** Run control for the API: each call goes to the executor the run's row names. */
export class RunControl {
  constructor(
    private readonly services: Services,
    private readonly executors: RunExecutors,
  ) {}

  private of(runId: number): { run: Run; executor: RunExecutor } {
    const run = this.services.runs.get(runId);
    return { run, executor: this.executors[run.executor] };
  }

  start(runId: number): { finished: Promise<unknown> } {
    const { run, executor } = this.of(runId);
    return executor.start(run);
  }

  pause(runId: number): { changed: boolean } {
    const { run, executor } = this.of(runId);
    return executor.pause(run);
  }

  cancel(runId: number): Promise<{ changed: boolean }> {
    const { run, executor } = this.of(runId);
    return executor.cancel(run);
  }

  async delete(runId: number): Promise<{ deleted: true }> {
    const { run, executor } = this.of(runId);
    await executor.release(run);
    return this.services.runs.delete(runId);
  }

  status(runId: number): RunExecution {
    const { run, executor } = this.of(runId);
    return executor.status(run);
  }

  /** Pauses every run of the experiment whose executor can pause it; runs on clusters go on (stop them instead). */
  pauseExperiment(experimentId: number): { runs: number } {
    const runs = this.runsOf(experimentId).filter((run) => this.executors[run.executor].canPause);
    return { runs: runs.filter((run) => this.executors[run.executor].pause(run).changed).length };
  }

  /** Cancels every run of the experiment that has not ended, here and on clusters. */
  async cancelExperiment(experimentId: number): Promise<{ runs: number }> {
    let changed = 0;
    for (const run of this.runsOf(experimentId))
      if ((await this.executors[run.executor].cancel(run)).changed) changed++;
    return { runs: changed };
  }

  /** Deletes an experiment once nothing executes its runs any more (their rows go with it). */
  async deleteExperiment(experimentId: number): Promise<{ deleted: true }> {
    const runs = this.runsOf(experimentId);
    // Clusters first: a refusal there leaves every run as it was.
    for (const kind of ['ray', 'local'] as const)
      await this.executors[kind].releaseExperiment(runs.filter((run) => run.executor === kind));
    return this.services.experiments.delete(experimentId);
  }

  private runsOf(experimentId: number): Run[] {
    this.services.experiments.get(experimentId); // not found: an error naming it
    return this.services.runs.list({ experimentId });
  }
}
