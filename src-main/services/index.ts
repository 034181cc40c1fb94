import type { EventBus } from '../core/events';
import type { Db } from '../store/database';
import { createBenchmarkItemsRepo } from '../store/benchmark-items-repo';
import { createCheckpointsRepo } from '../store/checkpoints-repo';
import { createClustersRepo } from '../store/clusters-repo';
import { createEvaluationsRepo } from '../store/evaluations-repo';
import { createExperimentsRepo } from '../store/experiments-repo';
import { createMetricsRepo } from '../store/metrics-repo';
import { createRolloutsRepo } from '../store/rollouts-repo';
import { createRunsRepo } from '../store/runs-repo';
import type { SecretsFile } from '../store/secrets-file';
import { createSettingsRepo } from '../store/settings-repo';
import { createToolCacheRepo } from '../store/tool-cache-repo';
import { createViewsRepo } from '../store/views-repo';
import { createBenchmarksService } from './benchmarks';
import { createClustersService } from './clusters';
import { createExperimentsService } from './experiments';
import { createMetricsService } from './metrics';
import { createRunsService } from './runs';
import { createSettingsService } from './settings';

export function createServices(db: Db, bus: EventBus, appVersion: string, secrets: SecretsFile) {
  const experimentsRepo = createExperimentsRepo(db);
  const runs = createRunsService(createRunsRepo(db), experimentsRepo, bus, appVersion);
  return {
    experiments: createExperimentsService(experimentsRepo, bus),
    runs,
    metrics: createMetricsService(createMetricsRepo(db), runs.get, bus),
    rollouts: createRolloutsRepo(db),
    evaluations: createEvaluationsRepo(db),
    checkpoints: createCheckpointsRepo(db),
    toolCache: createToolCacheRepo(db),
    views: createViewsRepo(db),
    benchmarks: createBenchmarksService(createBenchmarkItemsRepo(db), bus),
    settings: createSettingsService(createSettingsRepo(db), bus, secrets),
    clusters: createClustersService(createClustersRepo(db), bus, secrets),
    /** Runs `write` in one transaction: all of its writes land or none do. */
    transaction: <T>(write: () => T): T => db.transaction(write)(),
  };
}

export type Services = ReturnType<typeof createServices>;
