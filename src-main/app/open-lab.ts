import { join } from 'node:path';
import { createDispatch, type Dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import type { AppInfo } from '../api/channels';
import { EventBus } from '../core/events';
import { createServices, type Services } from '../services';
import { openDatabase, type Db } from '../store/database';
import { readLedger, type Migration } from '../store/migrations';
import { createSecretsFile, type SecretCipher } from '../store/secrets-file';
import { ExperimentRunner, type RunnerWorkers } from '../experiments/execution/experiment-runner';
import { ClusterWatcher } from '../experiments/remote/cluster-watch';
import { RunControl } from '../experiments/execution/run-executor';
import { localExecutor } from '../experiments/execution/local-executor';
import { rayExecutor } from '../experiments/remote/ray-executor';
import { PythonTool } from '../tools/python/python-tool';
import { DATABASE_FILE } from './paths';
import { APP_NAME, APP_VERSION } from '../core/version';

export interface Lab {
  dataDir: string;
  databaseFile: string;
  db: Db;
  bus: EventBus;
  services: Services;
  /** Runs experiments and runs in worker threads, under the scheduler. */
  runner: ExperimentRunner;
  /**
   * The lab's one python sandbox pool (started at its first call, sized by the pythonProcesses setting, else one
   * process a core), shared by every run and evaluation; absent without worker threads.
   */
  python: PythonTool | undefined;
  /** Mirrors the runs sent to Ray clusters (status, log, metrics). */
  clusterWatcher: ClusterWatcher;
  /** Validates and runs one channel call; the same entry for IPC, HTTP and the CLI. */
  dispatch: Dispatch;
  /** Stops the workers (their runs count as interrupted next time) and closes the database. */
  close(): void;
}

export interface OpenLabOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  logError?: (error: unknown) => void;
  /** Defaults to the migrations bundled with the app. */
  migrations?: Migration[];
  /** Encrypts stored API keys (the desktop app passes the OS keychain); elsewhere they rely on the file's mode 0600. */
  secretCipher?: SecretCipher;
  /** How to start a run's worker thread; without it this front end can read and export but not train. */
  workers?: RunnerWorkers;
  /** Mark runs a stopped process left "running" as interrupted (the app and serve mode do this at start). */
  markInterrupted?: boolean;
  /** Watch the runs on Ray clusters from the start (the app and serve mode); the CLI watches on request. */
  watchClusters?: boolean;
}

/** The composition root shared by the Electron shell, serve mode and the CLI. */
export const SECRETS_FILE = 'secrets.json';

export function openLab(options: OpenLabOptions): Lab {
  const { dataDir, mode, logError, migrations, secretCipher } = options;
  const databaseFile = join(dataDir, DATABASE_FILE);
  const db = openDatabase(databaseFile, { appVersion: APP_VERSION, migrations });
  const bus = new EventBus();
  const services = createServices(db, bus, APP_VERSION, createSecretsFile(join(dataDir, SECRETS_FILE), secretCipher));
  const schemaVersion = readLedger(db).length;
  const appInfo = (): AppInfo => ({
    name: APP_NAME,
    version: APP_VERSION,
    mode,
    schemaVersion,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    dataDir,
  });
  const python =
    options.workers &&
    new PythonTool({
      hostScript: options.workers.pythonSandbox,
      processes: services.settings.get().pythonProcesses ?? undefined,
    });
  const runner = new ExperimentRunner({ dataDir, services, bus, python }, options.workers);
  if (options.markInterrupted) runner.markInterrupted();
  const control = new RunControl(services, { local: localExecutor(services, runner), ray: rayExecutor(services) });
  const clusterWatcher = new ClusterWatcher(services, bus);
  if (options.watchClusters && services.clusters.jobs.jobs().length > 0) clusterWatcher.start();
  const dispatch = createDispatch(
    createHandlers(services, runner, control, appInfo, logError ?? console.error, { dataDir, clusterWatcher }),
    logError,
  );
  return {
    dataDir,
    databaseFile,
    db,
    bus,
    services,
    runner,
    python,
    clusterWatcher,
    dispatch,
    close: () => {
      clusterWatcher.dispose(); // its log streams close; a reply still in flight is dropped
      void runner.close(); // workers stop; the closed scheduler writes nothing more
      void python?.stop();
      db.close();
    },
  };
}
