/**
 * Runs experiments through the scheduler: the cold start (cached base checkpoint), then every run of the experiment
 * that still has work, each in its own worker thread, from its last checkpoint where it has one. Pause, resume and
 * cancel of one local run (the local executor's, execution/local-executor.ts); runs another process owns are asked
 * through their row instead.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { storeMiniSuite } from '../library/mini-suites';
import { trainsOnWebGpu } from '../../model/engine';
import { rememberGpuAdapter } from '../../model/onnx/gpu-adapter';
import { LabError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import { generateMiniSuite, type MiniSuite } from '../../benchmarks/mini/suites';
import type { Services } from '../../services';
import type { Run } from '../../store/records';
import type { AlgorithmId } from '../../rl/types';
import type { PythonCalls } from '../../tools/types';
import { baseCheckpointKey, coldStartSuites } from './cold-start';
import { storedPlan } from '../plan/plan';
import { requireRunConfig, type RunConfig } from '../plan/run-config';
import { createRunWriter } from './run-writer';
import { corpusCacheNamespace, type BackendReport, type TaskContext, type TaskReport } from './run-task';
import { Scheduler, type ScheduledTask, type TaskOutcome, type WorkerLauncher } from './scheduler';
import { isInterrupted, runLabel } from './run-ownership';

export interface RunnerHost {
  dataDir: string;
  services: Services;
  bus: EventBus;
  /** The lab's one python sandbox pool, shared by every run and evaluation. */
  python?: PythonCalls;
}

export interface JobResult {
  failures: string[];
  paused: number;
  cancelled: number;
}

export interface RunnerWorkers {
  launch: WorkerLauncher;
  /** The python sandbox's entry (out/main/python-sandbox.js). */
  pythonSandbox: string;
}

export class ExperimentRunner {
  private readonly scheduler: Scheduler | undefined;
  /** Experiments whose job runs in this process. */
  private readonly jobs = new Set<number>();
  private backendReport: Promise<BackendReport> | undefined;
  /** One cold start per base checkpoint at a time: a second job waits for the first's. */
  private readonly coldStarts = new Map<string, Promise<TaskOutcome>>();
  /**
   * Runs train on WebGPU here: one task at a time, since ONNX Runtime's WebGPU provider shares one device context per
   * process and two threads using it at once crash the process (docs/engine.md).
   */
  private oneTaskAtATime = false;

  constructor(
    private readonly host: RunnerHost,
    private readonly workers?: RunnerWorkers,
  ) {
    const { services } = host;
    this.scheduler =
      workers &&
      new Scheduler(
        services,
        workers.launch,
        () => (this.oneTaskAtATime ? 1 : (services.settings.get().concurrentRuns ?? availableParallelism())),
        host.python,
      );
  }

  private get running(): Scheduler {
    if (!this.scheduler) throw new LabError('conflict', 'this front end has no worker threads to train with');
    return this.scheduler;
  }

  /**
   * Starts (or continues) an experiment: every run not completed, cancelled or owned by another live process. Paused,
   * failed and interrupted runs continue from their last checkpoint. Checks run at once (a conflict throws here);
   * `finished` resolves once every started run has ended.
   */
  start(experimentId: number): { runs: number; finished: Promise<JobResult> } {
    const { services, bus } = this.host;
    const plan = storedPlan(services.experiments.get(experimentId));
    if (!plan)
      throw new LabError('conflict', `experiment ${experimentId} has no plan to run (it was imported or evaluated)`);
    if (this.jobs.has(experimentId))
      throw new LabError('conflict', `experiment ${experimentId} is already running here`);
    const scheduler = this.running;
    this.markInterrupted();
    const runs = services.runs.list({ experimentId }).reverse();
    const elsewhere = runs.filter((r) => r.status === 'running' && !scheduler.has(r.id));
    if (elsewhere.length > 0)
      throw new LabError(
        'conflict',
        `experiment ${experimentId} has runs running in another process (run ${elsewhere.map((r) => r.id).join(', ')}); pause them there first`,
      );
    // Only runs this machine executes (run-executor.ts); those sent to a cluster follow their job there.
    const todo = runs.filter((r) => r.executor === 'local' && r.status !== 'cancelled' && !this.evaluated(r));
    for (const run of todo) requireRunConfig(run); // an unusable config is refused here, before anything starts
    // Paused runs are queued again (a run paused while it waits in the queue is skipped when its turn comes).
    for (const run of todo) if (run.status === 'paused') services.runs.setStatus(run.id, { status: 'queued' });
    this.jobs.add(experimentId);
    const finished = (async () => {
      const say = (line: string) => bus.emit('experiment.log', { experimentId, line });
      const outcomes = await this.runAll(plan.benchmarks, todo, say);
      const result: JobResult = {
        failures: outcomes.flatMap((o, i) => (o.outcome === 'failed' ? [`${runLabel(todo[i]!)}: ${o.message}`] : [])),
        paused: outcomes.filter((o) => o.outcome === 'paused').length,
        cancelled: outcomes.filter((o) => o.outcome === 'cancelled').length,
      };
      bus.emit('experiment.finished', { experimentId, ...result });
      return result;
    })().finally(() => this.jobs.delete(experimentId));
    return { runs: todo.length, finished };
  }

  /** Starts or continues one local run (queued, paused, failed, cancelled or interrupted) on its own. */
  startRun(runId: number): { finished: Promise<TaskOutcome> } {
    const { services, bus } = this.host;
    const scheduler = this.running;
    this.markInterrupted();
    const run = services.runs.get(runId);
    if (scheduler.has(runId) || run.status === 'running')
      throw new LabError('conflict', `run ${runId} is already running`);
    if (this.evaluated(run)) throw new LabError('conflict', `run ${runId} is completed`);
    if (run.status === 'cancelled' || run.status === 'paused') services.runs.setStatus(runId, { status: 'queued' });
    const experiment = run.experimentId === null ? null : services.experiments.get(run.experimentId);
    // A run of an experiment trains on the experiment's suites (its cold start covers them all); a run of its own on
    // its benchmark. Either way with its own config.
    const benchmarks = (experiment && storedPlan(experiment)?.benchmarks) ?? [run.benchmark];
    const untrainable = benchmarks.find((id) => !id.startsWith('mini-'));
    if (untrainable)
      throw new LabError('invalid_input', `run ${runId} can't train on "${untrainable}": training needs a mini suite`);
    requireRunConfig(run);
    const say = (line: string) => bus.emit('run.log', { runId, experimentId: run.experimentId, line });
    return { finished: this.runAll(benchmarks, [run], say).then((outcomes) => outcomes[0]!) };
  }

  /** Pauses a local run: a queued one at once, a running one after its current step. */
  pauseRun(runId: number): { changed: boolean } {
    return { changed: this.control(this.host.services.runs.get(runId), 'pause') };
  }

  /** Cancels a local run that has not ended. */
  cancelRun(runId: number): { changed: boolean } {
    return { changed: this.control(this.host.services.runs.get(runId), 'cancel') };
  }

  /** Whether this process's scheduler holds the run (queued or training here). */
  runsHere(runId: number): boolean {
    return this.scheduler?.has(runId) ?? false;
  }

  /** Marks runs a stopped process left "running" as failed (interrupted); they resume from their last checkpoint. */
  markInterrupted(): number {
    const { services } = this.host;
    let marked = 0;
    for (const owned of services.runs.running()) {
      if (this.scheduler?.has(owned.id) || !isInterrupted(owned.ownerPid)) continue;
      const step = services.checkpoints.latest(owned.id)?.step ?? 0;
      services.runs.setStatus(owned.id, {
        status: 'failed',
        error: `interrupted: the process running it stopped; resume to continue from its checkpoint at step ${step}`,
      });
      services.runs.setOwner(owned.id, null);
      marked++;
    }
    return marked;
  }

  /**
   * The tensor backend a run's worker thread gets here, and why earlier ones were skipped: asked of a short-lived
   * worker (the main process loads no tensor library), once per process.
   */
  backend(): Promise<BackendReport> {
    const workers = this.workers;
    if (!workers) return Promise.reject(new LabError('conflict', 'this front end has no worker threads'));
    this.backendReport ??= new Promise<BackendReport>((resolve, reject) => {
      const worker = workers.launch({ task: { kind: 'probe' }, pauseFlag: new Int32Array(new SharedArrayBuffer(4)) });
      worker.on('message', (report: TaskReport) => {
        if (report.type === 'backend')
          resolve({ name: report.name, engine: report.engine, skipped: report.skipped, training: report.training });
        else if (report.type === 'failed') reject(new Error(report.message));
      });
      worker.on('error', reject);
      worker.on('exit', () => reject(new Error('the backend probe stopped before answering')));
    });
    this.backendReport.catch(() => (this.backendReport = undefined)); // a failed probe may be retried
    return this.backendReport;
  }

  async close(): Promise<void> {
    await this.scheduler?.close();
  }

  /** Pause or cancel a local run: here through the scheduler, in another live process through the run's row. */
  private control(run: Run, action: 'pause' | 'cancel'): boolean {
    const { services } = this.host;
    if (this.scheduler?.has(run.id))
      return action === 'pause' ? this.scheduler.pause(run.id) : this.scheduler.cancel(run.id);
    if (run.status === 'running') {
      if (!isInterrupted(services.runs.ownership(run.id)?.ownerPid ?? null)) {
        services.runs.requestControl(run.id, action);
        return true;
      }
      this.markInterrupted();
      if (action === 'pause') return true; // interrupted: as good as paused, it resumes from its checkpoint
    }
    const current = services.runs.get(run.id).status;
    if (action === 'pause' && current === 'queued') {
      services.runs.setStatus(run.id, { status: 'paused' });
      return true;
    }
    if (action === 'cancel' && (current === 'queued' || current === 'paused' || current === 'failed')) {
      services.runs.setStatus(run.id, { status: 'cancelled' });
      return true;
    }
    return false;
  }

  /** Completed with its evaluation stored: nothing left to do. */
  private evaluated(run: Run): boolean {
    return run.status === 'completed' && this.host.services.evaluations.ofRun(run.id).length > 0;
  }

  /**
   * The cold starts, then the runs, all through the scheduler; resolves with each run's outcome, in order. Each run
   * trains with its own config (its row's, run-config.ts `runConfigOf`); runs whose configs share a base checkpoint
   * share its cold start.
   */
  private async runAll(benchmarks: string[], runs: Run[], say: (line: string) => void): Promise<TaskOutcome[]> {
    const { services, dataDir } = this.host;
    if (runs.length === 0) return []; // nothing left to do: no cold start either
    const configs = runs.map(requireRunConfig); // checked by the callers already: this only reads them
    // Asked once here, so the runs' threads inherit the answer (docs/engine.md: which device trains).
    this.oneTaskAtATime = trainsOnWebGpu(await rememberGpuAdapter());
    const suitesOf = this.suitesFor(benchmarks);
    // The cold start learns from its own suites when the config names them (run-config.ts `coldStart.suites`).
    const suiteSets = new Map([[benchmarks.join(','), suitesOf]]);
    const coldStartSuitesOf = (config: RunConfig) => {
      const ids = coldStartSuites(config, benchmarks);
      if (!suiteSets.has(ids.join(','))) suiteSets.set(ids.join(','), this.suitesFor(ids));
      return suiteSets.get(ids.join(','))!(config);
    };
    const settings = services.settings.get();
    const shared: Omit<TaskContext, 'config'> = {
      dataDir,
      pythonSandbox: this.workers!.pythonSandbox,
      settings: {
        webSearch: settings.webSearch,
        webBrowsing: settings.webBrowsing,
        // Python runs in the lab's one pool (open-lab.ts), sized by this setting; the runs' threads start none.
        pythonProcesses: settings.pythonProcesses,
      },
      webSearchApiKey: services.settings.secret('webSearchApiKey'),
      // The cores each of the runs side by side gets (all of them when one run at a time is set).
      computeThreads: Math.max(
        1,
        Math.floor(availableParallelism() / (settings.concurrentRuns ?? availableParallelism())),
      ),
      searchCache: Object.fromEntries(
        benchmarks.map((id) => [corpusCacheNamespace(id), services.toolCache.entries(corpusCacheNamespace(id))]),
      ),
    };
    // One shared base checkpoint, or one per seed (coldStart.perSeed): each made once, however many jobs wait for it.
    const baseFileOf = (config: RunConfig, seed: number) => {
      const own = config.coldStart.perSeed ? seed : null;
      return {
        seed: own,
        file: join(dataDir, 'checkpoints', `base-${baseCheckpointKey(coldStartSuitesOf(config), config, own)}.ckpt`),
      };
    };
    // Hashed once a run: the key reads every demonstration of the suites.
    const bases = runs.map((run, i) => baseFileOf(configs[i]!, run.seed));
    const coldStart = (config: RunConfig, { seed, file: baseFile }: { seed: number | null; file: string }) => {
      let cold = this.coldStarts.get(baseFile);
      if (!cold) {
        cold = this.running.submit({
          // The cold start comes before every run: it has the machine to itself.
          prepare: () => ({
            task: {
              ...shared,
              config,
              computeThreads: availableParallelism(),
              kind: 'cold-start',
              benchmarks: coldStartSuites(config, benchmarks),
              baseFile,
              seed,
            },
          }),
          onProgress: (line) => say(seed === null ? line : `seed ${seed}: ${line}`),
        });
        this.coldStarts.set(baseFile, cold);
        void cold.finally(() => this.coldStarts.delete(baseFile));
      }
      return cold;
    };
    const made = await Promise.all(runs.map((_, i) => coldStart(configs[i]!, bases[i]!)));
    const failed = made.find((base) => base.outcome !== 'finished');
    if (failed) {
      const message = `the cold start failed: ${failed.outcome === 'failed' ? failed.message : failed.outcome}`;
      return runs.map(() => ({ outcome: 'failed', message }));
    }
    return Promise.all(
      runs.map((run, i) => {
        const config = configs[i]!;
        const context: TaskContext = { ...shared, config };
        return this.running.submit(this.taskFor(run, config, benchmarks, context, bases[i]!.file));
      }),
    );
  }

  /** The mini suites a config generates (its train and test sizes), each stored once per size. */
  private suitesFor(benchmarks: string[]): (config: RunConfig) => MiniSuite[] {
    const made = new Map<string, MiniSuite[]>();
    return (config) => {
      const sizes = { train: config.training.trainItems, test: config.evaluation.items };
      const key = `${sizes.train}/${sizes.test}`;
      let suites = made.get(key);
      if (!suites) {
        suites = benchmarks.map((id) => generateMiniSuite(id, sizes));
        for (const suite of suites) storeMiniSuite(this.host, suite);
        made.set(key, suites);
      }
      return suites;
    };
  }

  private taskFor(
    run: Run,
    config: RunConfig,
    benchmarks: string[],
    context: TaskContext,
    baseFile: string,
  ): ScheduledTask {
    const { services, bus } = this.host;
    const label = runLabel(run);
    const steps = run.algorithm === 'base' ? 0 : config.training.steps;
    return {
      runId: run.id,
      prepare: () => {
        const current = services.runs.get(run.id);
        // Paused or cancelled while it waited in the queue.
        if (current.status === 'paused' || current.status === 'cancelled') return { outcome: current.status };
        const writer = createRunWriter(services, bus, run.id, steps);
        if (run.algorithm === 'base') {
          writer.prepare();
          return {
            writer,
            task: {
              ...context,
              kind: 'evaluate-base',
              runId: run.id,
              seed: run.seed,
              benchmarks,
              baseFile,
            },
          };
        }
        // Trained, but stopped before its evaluation: evaluate its final weights.
        const resumeFrom = current.status === 'completed' ? services.checkpoints.latest(run.id) : writer.prepare();
        if (resumeFrom && current.status !== 'completed')
          writer.log(`${label}: resuming after step ${resumeFrom.step}`);
        return {
          writer,
          task: {
            ...context,
            kind: 'train',
            runId: run.id,
            algorithm: run.algorithm as AlgorithmId,
            benchmark: run.benchmark,
            seed: run.seed,
            baseFile,
            resumeFrom: resumeFrom && { path: resumeFrom.path, step: resumeFrom.step },
          },
        };
      },
      onEvaluation: (report) => {
        const { step, benchmark, n } = report;
        services.transaction(() => {
          services.evaluations.record([
            { runId: run.id, step, benchmark, metric: 'pass', k: 1, value: report.pass1, n },
            { runId: run.id, step, benchmark, metric: 'pass', k: report.k, value: report.passK, n },
          ]);
          services.evaluations.recordItems(report.items.map((item) => ({ runId: run.id, step, benchmark, ...item })));
        });
        const line = `${run.algorithm} ${report.benchmark} seed ${run.seed}: pass@1 ${report.pass1.toFixed(1)} %, pass@${report.k} ${report.passK.toFixed(1)} % (n = ${report.n}, ${report.seconds.toFixed(1)} s)`;
        services.runs.log(run.id, line);
        bus.emit('run.log', { runId: run.id, experimentId: run.experimentId, line });
      },
    };
  }
}
