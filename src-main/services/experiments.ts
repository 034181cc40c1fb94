import type { EventBus } from '../core/events';
import { NotFoundError } from '../core/errors';
import type { ExperimentsRepo, NewExperiment } from '../store/experiments-repo';
import type { Experiment, ExperimentSummary } from '../store/records';

export function createExperimentsService(repo: ExperimentsRepo, bus: EventBus) {
  return {
    list(): ExperimentSummary[] {
      return repo.list();
    },
    get(id: number): Experiment {
      const experiment = repo.get(id);
      if (!experiment) throw new NotFoundError('experiment', id);
      return experiment;
    },
    create(input: NewExperiment): Experiment {
      const experiment = repo.insert(input);
      bus.emit('store.changed', { tables: ['experiments'] });
      return experiment;
    },
    /** Deletes the experiment with all its runs and their records. */
    delete(id: number): { deleted: true } {
      if (!repo.delete(id)) throw new NotFoundError('experiment', id);
      bus.emit('store.changed', { tables: ['experiments', 'runs', 'metrics'] });
      return { deleted: true };
    },
  };
}

export type ExperimentsService = ReturnType<typeof createExperimentsService>;
