/**
 * The writer of an RL run, in the main process: it records what the step producer (rl-producer.ts, in a worker)
 * reports: every step's metrics and rollout trees, the checkpoints, the run's status and owner, and tells the app
 * through events with the run id, the step and the new metrics.
 */
import type { EventBus, StepMetrics } from '../../core/events';
import type { Services } from '../../services';
import type { StepRollout, WrittenCheckpoint } from './rl-producer';

export interface RunWriter {
  /** The last checkpoint to continue from (none: start at step 1), after marking a run a crash left "running". */
  prepare(): { path: string; step: number } | undefined;
  /** The producer loaded its start point: the run is running here, and rows after `fromStep` are dropped. */
  started(fromStep: number, backend: string): void;
  /** Writes the step's rows, then its checkpoint record, then tells the app. */
  step(step: number, metrics: StepMetrics, rollouts: StepRollout[], checkpoint?: WrittenCheckpoint): void;
  log(line: string): void;
  completed(): void;
  paused(): void;
  cancelled(): void;
  failed(message: string): void;
}

export function createRunWriter(services: Services, bus: EventBus, runId: number, totalSteps: number): RunWriter {
  const experimentId = services.runs.get(runId).experimentId;
  const status = () => services.runs.get(runId).status;
  /** Leaves running (or queued) for `to`, through the statuses the run service allows. */
  const end = (to: 'completed' | 'paused' | 'cancelled' | 'failed', error?: string) => {
    if (to === 'failed' && status() !== 'running' && status() !== 'queued')
      services.runs.setStatus(runId, { status: 'queued' });
    services.runs.setStatus(runId, { status: to, error });
    services.runs.setOwner(runId, null);
  };
  return {
    prepare() {
      const current = status();
      const last = services.checkpoints.latest(runId);
      if (current === 'running')
        services.runs.setStatus(runId, {
          status: 'failed',
          error: `interrupted; resuming from step ${last?.step ?? 0}`,
        });
      if (status() !== 'queued') services.runs.setStatus(runId, { status: 'queued' });
      return last && { path: last.path, step: last.step };
    },
    started(fromStep, backend) {
      if (status() === 'completed') return; // trained before; only its evaluation was left
      services.metrics.deleteAfter(runId, fromStep);
      services.rollouts.deleteAfter(runId, fromStep);
      if (fromStep > 0) services.runs.recordResume(runId, fromStep);
      services.runs.setStatus(runId, { status: 'running', backend });
      services.runs.setOwner(runId, process.pid);
    },
    step(step, metrics, rollouts, checkpoint) {
      services.metrics.append(
        runId,
        Object.entries(metrics).map(([key, value]) => ({ key, step, value })),
      );
      services.rollouts.insertMany(rollouts.map((r) => ({ runId, step, ...r })));
      if (checkpoint) services.checkpoints.record({ runId, ...checkpoint });
      bus.emit('run.step', { runId, experimentId, step, totalSteps, metrics });
    },
    log(line) {
      services.runs.log(runId, line);
      bus.emit('run.log', { runId, experimentId, line });
    },
    completed: () => status() !== 'completed' && end('completed'),
    paused: () => end('paused'),
    cancelled: () => end('cancelled'),
    failed: (message) => end('failed', message),
  };
}
