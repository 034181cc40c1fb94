/**
 * One RL run in the calling thread: the step producer writing straight through the run's writer. The experiment job
 * runs the same two halves apart (producer in a worker, writer in the main process); this keeps them usable
 * together for small runs and tests.
 */
import { EventBus } from '../../core/events';
import type { BackendChoice } from '../../model/backend';
import type { Services } from '../../services';
import { produceRl, type RlProducerOptions } from './rl-producer';
import { createRunWriter } from './run-writer';

export interface RlRunOptions extends Omit<RlProducerOptions, 'runId'> {
  backend: BackendChoice;
  onStep?: (step: number, metrics: Record<string, number>) => void;
  /** One-line warnings (a single-update step); default stderr. */
  warn?: (line: string) => void;
  /** Continue from the run's last checkpoint (weights, optimiser moments, random state, step) instead of step 1. */
  resume?: boolean;
  bus?: EventBus;
}

export async function runRl(services: Services, runId: number, options: RlRunOptions): Promise<void> {
  const writer = createRunWriter(services, options.bus ?? new EventBus(), runId, options.steps);
  const last = writer.prepare();
  const from = options.resume ? last : undefined;
  try {
    await produceRl(
      { ...options, runId },
      {
        started: (fromStep) => writer.started(fromStep, options.backend.engine),
        step: (step, metrics, rollouts, checkpoint) => {
          writer.step(step, metrics, rollouts, checkpoint);
          options.onStep?.(step, metrics);
        },
        log: options.warn ?? ((line) => console.warn(line)),
        pauseRequested: () => false,
      },
      from,
    );
    writer.completed();
  } catch (error) {
    writer.failed(error instanceof Error ? error.message : String(error));
    throw error;
  }
}
