/**
 * The comparison job: for an experiment's algorithms × benchmarks × seeds, one cold-start base checkpoint (cached),
 * then one RL run per combination from it, with the same question order, budgets and seeds for every algorithm, so
 * differences come from the algorithm alone; then Pass@1 and Pass@k on each benchmark's test split, stored in
 * `evaluations`. The base checkpoint is evaluated too (algorithm `base`): the reference row of every table.
 */
import { join } from 'node:path';
import { APP_VERSION } from '../app/version';
import { benchmarkInfo } from '../benchmarks/mini/catalogue';
import { generateMiniSuite, type MiniSuite } from '../benchmarks/mini/suites';
import { readCorpus, storeMiniSuite } from '../app/mini-suites';
import type { Lab } from '../app/open-lab';
import { AppTools } from '../app/tools';
import { selectBackend } from '../model/backend';
import { AdamW } from '../model/optimizer';
import { Rng } from '../model/rng';
import { ALGORITHMS } from '../rl/algorithms/registry';
import type { RolloutQuestion } from '../rl/rollout/types';
import type { AlgorithmId } from '../rl/types';
import { loadCheckpoint, type Checkpoint } from '../model/checkpoint';
import { loadWeights, weightSnapshot } from '../model/weights';
import { baseCheckpoint, loadBase } from './cold-start';
import { evaluatePolicy } from './evaluation';
import { runRl } from './rl-run';
import type { RunConfig } from './run-config';

export interface ExperimentPlan {
  algorithms: AlgorithmId[];
  benchmarks: string[];
  seeds: number[];
  config: RunConfig;
}

/** Some runs failed (each message names the run and the cause); `results` holds the ones that finished. */
export class JobFailures extends Error {
  constructor(
    readonly failures: string[],
    readonly results: ResultRow[],
  ) {
    super(`${failures.length} run(s) failed: ${failures.join('; ')}; resume the experiment to retry them`);
    this.name = 'JobFailures';
  }
}

export interface ResultRow {
  algorithm: string;
  benchmark: string;
  seed: number;
  'pass@1': number;
  'pass@5': number;
}

export interface JobOptions {
  /** The python sandbox's entry (out/main/python-sandbox.js). */
  pythonSandbox: string;
  /** One line per event worth a person's attention. */
  onProgress?: (line: string) => void;
  /** A run's step progress (step of total, reward, time per step, ETA); a terminal redraws it in place. */
  onStatus?: (line: string) => void;
}

const round = (x: number) => Math.round(x * 100) / 100;
const asQuestions = (suite: MiniSuite, split: 'train' | 'test'): RolloutQuestion[] =>
  suite[split].map((item, i) => ({
    id: `${suite.id}/${split}/${i}`,
    prompt: `Question: ${item.question}\n`,
    answers: item.answers,
  }));

/** The same order for every algorithm: it depends on the benchmark and the seed only. */
function shuffled<T>(items: T[], seed: number): T[] {
  const rng = new Rng(seed * 7919 + 17);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function runExperiment(
  lab: Lab,
  experimentId: number,
  plan: ExperimentPlan,
  options: JobOptions,
): Promise<ResultRow[]> {
  const say = options.onProgress ?? (() => {});
  const { config } = plan;
  for (const id of plan.benchmarks) {
    if (!id.startsWith('mini-'))
      throw new Error(`training needs a generated suite with demonstrations (mini-*), not "${id}"`);
  }
  const suites = plan.benchmarks.map((id) =>
    generateMiniSuite(id, { train: config.training.trainItems, test: config.evaluation.items }),
  );
  for (const suite of suites) storeMiniSuite(lab, suite);
  const backend = await selectBackend();

  const base = baseCheckpoint(lab.dataDir, suites, config, (step, total, loss) => {
    if (step % 100 === 0 || step === total) say(`cold start ${step}/${total}: loss ${loss.toFixed(3)} nats/token`);
  });
  say(`base checkpoint ${base.reused ? 'reused' : `made in ${base.seconds.toFixed(1)} s`}: ${base.file}`);

  const toolsFor = new Map(
    suites.map((s) => [
      s.id,
      new AppTools(lab, {
        pythonSandbox: options.pythonSandbox,
        corpus: { id: s.id, documents: readCorpus(lab, s.id) },
      }),
    ]),
  );
  const results: ResultRow[] = [];
  const failures: string[] = [];
  const existing = lab.services.runs.list({ experimentId });
  /** A run already in this experiment (a resumed job) or a new one. */
  const runFor = (algorithm: string, benchmark: string, seed: number) =>
    existing.find((r) => r.algorithm === algorithm && r.benchmark === benchmark && r.seed === seed) ??
    lab.services.runs.create({ experimentId, algorithm, benchmark, seed, config });
  /** A finished run's stored results, or null when it still has work to do. */
  const finished = (runId: number, algorithm: string, seed: number): ResultRow[] | null => {
    if (lab.services.runs.get(runId).status !== 'completed') return null;
    const rows = lab.services.evaluations.ofRun(runId);
    if (rows.length === 0) return null;
    const last = Math.max(...rows.map((r) => r.step));
    return [...new Set(rows.map((r) => r.benchmark))].map((benchmark) => {
      const value = (k: number) =>
        rows.find((r) => r.step === last && r.benchmark === benchmark && r.k === k)?.value ?? 0;
      return { algorithm, benchmark, seed, 'pass@1': round(value(1)), 'pass@5': round(value(config.evaluation.k)) };
    });
  };
  const evaluate = async (
    runId: number,
    step: number,
    algorithm: string,
    seed: number,
    policy: Checkpoint,
    suite: MiniSuite,
  ) => {
    const result = await evaluatePolicy(
      policy,
      benchmarkInfo(suite.id),
      asQuestions(suite, 'test'),
      toolsFor.get(suite.id)!,
      config,
      new Rng(seed),
    );
    lab.services.evaluations.record([
      { runId, step, benchmark: suite.id, metric: 'pass', k: 1, value: result.pass1, n: result.n },
      { runId, step, benchmark: suite.id, metric: 'pass', k: result.k, value: result.passK, n: result.n },
    ]);
    results.push({
      algorithm,
      benchmark: suite.id,
      seed,
      'pass@1': round(result.pass1),
      'pass@5': round(result.passK),
    });
    say(`${algorithm} ${suite.id} seed ${seed}: pass@1 ${result.pass1.toFixed(1)} %`);
  };
  const trainAndEvaluate = async (runId: number, algorithm: AlgorithmId, suite: MiniSuite, seed: number) => {
    const preset = ALGORITHMS[algorithm];
    const policy = loadBase(base.file);
    const optimizer = new AdamW(policy.model.variables(), config.optimizer);
    const order = shuffled(asQuestions(suite, 'train'), seed);
    const perStep = config.training.questionsPerStep;
    const steps = config.training.steps;
    // DAPO's refills come from the rest of the order, a fixed stretch per step, so a resumed run draws the same ones.
    const refills = new Map<number, number>();
    const moreQuestions = (step: number, count: number) =>
      Array.from({ length: count }, () => {
        const used = refills.get(step) ?? 0;
        refills.set(step, used + 1);
        return order[(steps * perStep + (step - 1) * perStep * 16 + used) % order.length]!;
      });
    const questionsFor = (step: number) =>
      Array.from({ length: perStep }, (_, i) => order[((step - 1) * perStep + i) % order.length]!);
    const label = `${algorithm} ${suite.id} seed ${seed}`;
    try {
      if (lab.services.runs.get(runId).status === 'completed') {
        // Trained, but the job stopped before evaluating it: evaluate its final weights.
        const last = loadCheckpoint(lab.services.checkpoints.latest(runId)!.path);
        loadWeights(policy.model, weightSnapshot(last.model));
        last.model.dispose();
        await evaluate(runId, steps, algorithm, seed, policy, suite);
        return;
      }
      // A run an interrupted job left behind continues from its last checkpoint (or from the start without one).
      const resume = lab.services.runs.get(runId).status !== 'queued';
      const from = lab.services.checkpoints.latest(runId)?.step ?? 0;
      if (resume) say(`${label}: resuming after step ${from}`);
      const started = performance.now();
      await runRl(lab.services, runId, {
        model: policy.model,
        tokenizer: policy.tokenizer,
        optimizer,
        tools: toolsFor.get(suite.id)!,
        preset,
        settings: { ...preset.defaults, ...config.algorithm },
        rollout: config.rollout,
        backend,
        seed,
        steps,
        questionsFor,
        moreQuestions,
        checkpoints: {
          dir: join(lab.dataDir, 'checkpoints'),
          every: config.budgets.checkpointEvery,
          appVersion: APP_VERSION,
        },
        resume,
        warn: (line) => say(`${label}: ${line}`),
        onStep: (step, metrics) => {
          const perStep = (performance.now() - started) / 1000 / (step - from);
          const eta = Math.round(perStep * (steps - step));
          (options.onStatus ?? say)(
            `${label}: step ${step}/${steps}, reward ${metrics['reward/mean']!.toFixed(3)}, ${perStep.toFixed(1)} s/step, ETA ${eta} s`,
          );
        },
      });
      await evaluate(runId, steps, algorithm, seed, policy, suite);
    } finally {
      optimizer.dispose();
      policy.model.dispose();
    }
  };
  /** Moves a run to running from wherever an interrupted job left it. */
  const markRunning = (runId: number) => {
    const status = lab.services.runs.get(runId).status;
    if (status === 'running') lab.services.runs.setStatus(runId, { status: 'failed', error: 'interrupted; run again' });
    if (lab.services.runs.get(runId).status !== 'queued') lab.services.runs.setStatus(runId, { status: 'queued' });
    lab.services.runs.setStatus(runId, { status: 'running', backend: backend.engine });
  };
  try {
    // The base checkpoint, evaluated once per seed on every benchmark.
    for (const seed of plan.seeds) {
      const run = runFor('base', 'all', seed);
      const done = finished(run.id, 'base', seed);
      if (done) {
        results.push(...done);
        continue;
      }
      markRunning(run.id);
      const policy = loadBase(base.file);
      try {
        for (const suite of suites) await evaluate(run.id, 0, 'base', seed, policy, suite);
        lab.services.runs.setStatus(run.id, { status: 'completed' });
      } finally {
        policy.model.dispose();
      }
    }
    for (const algorithm of plan.algorithms) {
      for (const suite of suites) {
        for (const seed of plan.seeds) {
          const run = runFor(algorithm, suite.id, seed);
          const done = finished(run.id, algorithm, seed);
          if (done) {
            results.push(...done);
            continue;
          }
          try {
            await trainAndEvaluate(run.id, algorithm, suite, seed);
          } catch (error) {
            // One run failing (a corrupt checkpoint, a full disk) fails that run, named in its error; the rest go on.
            failures.push(`${algorithm} ${suite.id} seed ${seed}: ${(error as Error).message}`);
            say(`${failures.at(-1)!} (run ${run.id} failed; the others continue)`);
          }
        }
      }
    }
  } finally {
    for (const tools of toolsFor.values()) await tools.stop();
  }
  if (failures.length > 0) throw new JobFailures(failures, results);
  return results;
}
