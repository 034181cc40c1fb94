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
import { baseCheckpoint, loadBase } from './cold-start';
import { evaluatePolicy, type EvaluationResult } from './evaluation';
import { runRl } from './rl-run';
import type { RunConfig } from './run-config';

export interface ExperimentPlan {
  algorithms: AlgorithmId[];
  benchmarks: string[];
  seeds: number[];
  config: RunConfig;
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
  const record = (
    runId: number,
    step: number,
    benchmark: string,
    algorithm: string,
    seed: number,
    result: EvaluationResult,
  ) => {
    lab.services.evaluations.record([
      { runId, step, benchmark, metric: 'pass', k: 1, value: result.pass1, n: result.n },
      { runId, step, benchmark, metric: 'pass', k: result.k, value: result.passK, n: result.n },
    ]);
    results.push({ algorithm, benchmark, seed, 'pass@1': round(result.pass1), 'pass@5': round(result.passK) });
  };
  try {
    // The base checkpoint, evaluated once per seed on every benchmark.
    for (const seed of plan.seeds) {
      const run = lab.services.runs.create({ experimentId, algorithm: 'base', benchmark: 'all', seed, config });
      lab.services.runs.setStatus(run.id, { status: 'running', backend: backend.engine });
      const policy = loadBase(base.file);
      try {
        for (const suite of suites) {
          const result = await evaluatePolicy(
            policy,
            benchmarkInfo(suite.id),
            asQuestions(suite, 'test'),
            toolsFor.get(suite.id)!,
            config,
            new Rng(seed),
          );
          record(run.id, 0, suite.id, 'base', seed, result);
          say(`base seed ${seed} ${suite.id}: pass@1 ${result.pass1.toFixed(1)} %`);
        }
        lab.services.runs.setStatus(run.id, { status: 'completed' });
      } finally {
        policy.model.dispose();
      }
    }
    for (const algorithm of plan.algorithms) {
      const preset = ALGORITHMS[algorithm];
      for (const suite of suites) {
        for (const seed of plan.seeds) {
          const run = lab.services.runs.create({ experimentId, algorithm, benchmark: suite.id, seed, config });
          const policy = loadBase(base.file);
          const settings = { ...preset.defaults, ...config.algorithm };
          const optimizer = new AdamW(policy.model.variables(), config.optimizer);
          const order = shuffled(asQuestions(suite, 'train'), seed);
          const perStep = config.training.questionsPerStep;
          // DAPO's refills come from the rest of the order, after every step's own questions.
          let refill = config.training.steps * perStep;
          const moreQuestions = (_step: number, count: number) =>
            Array.from({ length: count }, () => order[refill++ % order.length]!);
          const questionsFor = (step: number) =>
            Array.from({ length: perStep }, (_, i) => order[((step - 1) * perStep + i) % order.length]!);
          try {
            await runRl(lab.services, run.id, {
              model: policy.model,
              tokenizer: policy.tokenizer,
              optimizer,
              tools: toolsFor.get(suite.id)!,
              preset,
              settings,
              rollout: config.rollout,
              backend,
              seed,
              steps: config.training.steps,
              questionsFor,
              moreQuestions,
              checkpoints: {
                dir: join(lab.dataDir, 'checkpoints'),
                every: config.budgets.checkpointEvery,
                appVersion: APP_VERSION,
              },
              warn: (line) => say(`${algorithm} ${suite.id} seed ${seed}: ${line}`),
              onStep: (step, metrics) =>
                say(
                  `${algorithm} ${suite.id} seed ${seed}: step ${step}/${config.training.steps}, reward ${metrics['reward/mean']!.toFixed(3)}`,
                ),
            });
            const result = await evaluatePolicy(
              policy,
              benchmarkInfo(suite.id),
              asQuestions(suite, 'test'),
              toolsFor.get(suite.id)!,
              config,
              new Rng(seed),
            );
            record(run.id, config.training.steps, suite.id, algorithm, seed, result);
            say(`${algorithm} ${suite.id} seed ${seed}: pass@1 ${result.pass1.toFixed(1)} %`);
          } finally {
            optimizer.dispose();
            policy.model.dispose();
          }
        }
      }
    }
  } finally {
    for (const tools of toolsFor.values()) await tools.stop();
  }
  return results;
}
