import { exportExperiment } from '../experiments/export';
import type { Services } from '../services';
import type { AppInfo } from './channels';
import type { Handlers } from './dispatch';

/** Binds every channel to its service call. `satisfies Handlers` makes a channel without a handler a compile error. */
export function createHandlers(services: Services, appInfo: () => AppInfo): Handlers {
  return {
    'app.info': () => appInfo(),

    'experiments.list': () => services.experiments.list(),
    'experiments.get': ({ id }) => services.experiments.get(id),
    'experiments.create': (input) => services.experiments.create(input),
    'experiments.delete': ({ id }) => services.experiments.delete(id),
    'experiments.export': (request) => exportExperiment(services, request, appInfo().version),

    'runs.list': (filter) => services.runs.list(filter),
    'runs.get': ({ id }) => services.runs.get(id),
    'runs.create': (input) => services.runs.create(input),
    'runs.delete': ({ id }) => services.runs.delete(id),

    'metrics.keys': ({ runId }) => services.metrics.keys(runId),
    'metrics.series': ({ runId, key, fromStep, toStep }) => services.metrics.series(runId, key, { fromStep, toStep }),

    'benchmarks.list': () => services.benchmarks.itemCounts(),

    'settings.get': () => services.settings.get(),
    'settings.update': (patch) => services.settings.update(patch),
    'settings.setSecret': ({ name, value }) => services.settings.setSecret(name, value),
    'settings.secretsSet': () => services.settings.secretsSet(),
  } satisfies Handlers;
}
