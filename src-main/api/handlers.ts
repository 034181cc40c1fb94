import { experimentTable, exportExperiment, exportProfile, exportRuns, runsTable } from '../experiments/results/export';
import type { ExperimentRunner } from '../experiments/execution/experiment-runner';
import {
  benchmarkRegistry,
  browseItems,
  generateSuite,
  importBenchmarkFile,
} from '../experiments/library/benchmark-library';
import { estimateExperiment } from '../experiments/plan/estimate';
import { importTrackio } from '../experiments/imports/trackio-import';
import { importVerlRun } from '../experiments/imports/verl-import';
import { createPlannedExperiment, experimentOptions } from '../experiments/plan/plan';
import { resultRows } from '../experiments/results/result-rows';
import { planPaperClaims } from '../experiments/study/paper-claims-plan';
import { studyReport } from '../experiments/study/report';
import type { ClusterWatcher } from '../experiments/remote/cluster-watch';
import type { RunControl } from '../experiments/execution/run-executor';
import { checkCluster, launchTable } from '../experiments/remote/remote-runs';
import { submitExperiment } from '../experiments/remote/submit';
import type { Services } from '../services';
import type { StoredTree } from '../store/records';
import type { AppInfo } from './channels';
import type { Handlers } from './dispatch';

/** Binds every channel to its service call. `satisfies Handlers` makes a channel without a handler a compile error. */
export function createHandlers(
  services: Services,
  runner: ExperimentRunner,
  /** Every run's pause, resume, cancel and delete, through the executor its row names. */
  control: RunControl,
  appInfo: () => AppInfo,
  logError: (error: unknown) => void,
  /** Where generated suites write their corpus and sites; the watcher of runs on clusters. */
  host: { dataDir: string; clusterWatcher: ClusterWatcher },
): Handlers {
  /** Starts an experiment's job; its end is told through events, a crash of the job itself logged. */
  const start = (id: number) => {
    const { runs, finished } = runner.start(id);
    finished.catch(logError);
    return { experimentId: id, runs };
  };
  return {
    'app.info': () => appInfo(),
    'app.backend': () => runner.backend(),

    'experiments.list': () => services.experiments.list(),
    'experiments.get': ({ id }) => services.experiments.get(id),
    'experiments.create': (input) => createPlannedExperiment(services, input),
    'experiments.delete': ({ id }) => control.deleteExperiment(id),
    'experiments.export': (request) => exportExperiment(services, request, appInfo().version),
    'experiments.results': ({ id }) => resultRows(services, services.experiments.get(id).id),
    'experiments.table': ({ id, ...request }) => experimentTable(services, id, request),
    'experiments.profile': (request) => exportProfile(services, request),
    'experiments.options': () => experimentOptions(),
    'experiments.estimate': (input) => estimateExperiment(services, { name: 'estimate', ...input }),
    'experiments.start': ({ id }) => start(id),
    'experiments.pause': ({ id }) => control.pauseExperiment(id),
    'experiments.resume': ({ id }) => start(id),
    'experiments.cancel': ({ id }) => control.cancelExperiment(id),
    'studies.plan': ({ budgetMinutes }) => planPaperClaims(services, budgetMinutes),
    'studies.report': ({ id }) => studyReport(services, id, appInfo().version),

    'runs.list': (filter) => services.runs.list(filter),
    'runs.get': ({ id }) => services.runs.get(id),
    'runs.create': (input) => services.runs.create(input),
    'runs.delete': ({ id }) => control.delete(id),
    'runs.annotate': ({ id, tags, notes }) => services.runs.annotate(id, { tags, notes }),
    'runs.summaries': () => services.runs.summaries(),
    'runs.resumes': ({ id }) => services.runs.resumes(id),
    'runs.import': ({ format: _format, ...request }) => importVerlRun(services, request),
    'runs.importTrackio': ({ path, project, experimentId }) =>
      importTrackio(services, { file: path, project, experimentId }),
    'runs.log': ({ id, limit }) => services.runs.logLines(id, limit),
    'runs.table': ({ ids, ...request }) => runsTable(services, ids, request),
    'runs.export': (request) => exportRuns(services, request, appInfo().version),
    'views.list': ({ page }) => services.views.list(page),
    'views.save': ({ page, name, state }) => services.views.save(page, name, state),
    'views.delete': ({ id }) => ({ deleted: services.views.delete(id) }),
    'runs.pause': ({ id }) => control.pause(id),
    'runs.resume': ({ id }) => {
      control.start(id).finished.catch(logError);
      return { started: true as const };
    },
    'runs.cancel': ({ id }) => control.cancel(id),
    'runs.execution': ({ id }) => control.status(id),

    'evaluations.items': ({ runId, benchmark, limit }) =>
      services.evaluations.items(services.runs.get(runId).id, benchmark ?? null, limit),

    'rollouts.steps': ({ runId }) => services.rollouts.steps(services.runs.get(runId).id),
    'rollouts.get': ({ runId, step }) =>
      services.rollouts
        .list(services.runs.get(runId).id, step)
        .map(({ id, step: s, question, tree, reward, toolCalls }) => ({
          id,
          step: s,
          question,
          tree: tree as unknown as StoredTree,
          reward,
          toolCalls,
        })),
    'metrics.keys': ({ runId }) => services.metrics.keys(runId),
    'metrics.series': ({ runId, key, fromStep, toStep }) => services.metrics.series(runId, key, { fromStep, toStep }),

    'benchmarks.list': () => services.benchmarks.itemCounts(),
    'benchmarks.registry': () => benchmarkRegistry(services),
    'benchmarks.import': (request) => importBenchmarkFile(services, request),
    'benchmarks.generate': (request) => generateSuite({ dataDir: host.dataDir, services }, request),
    'benchmarks.items': (request) => browseItems(services, request),

    'clusters.list': () => services.clusters.list(),
    'clusters.save': ({ name, address, token }) => services.clusters.save(name, address, token),
    'clusters.remove': ({ name }) => services.clusters.remove(name),
    'clusters.check': ({ name }) => checkCluster(services, name),
    'clusters.recipes': () => launchTable(),
    'experiments.submit': async ({ id, ...request }) => {
      const result = await submitExperiment(services, { experimentId: id, ...request });
      if (!result.dryRun) host.clusterWatcher.start(); // a front end that was not watching starts now
      return result;
    },

    'settings.get': () => services.settings.get(),
    'settings.update': (patch) => services.settings.update(patch),
    'settings.setSecret': ({ name, value }) => services.settings.setSecret(name, value),
    'settings.secretsSet': () => services.settings.secretsSet(),
  } satisfies Handlers;
}
