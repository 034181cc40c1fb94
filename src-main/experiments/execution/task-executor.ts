/**
 * Carries out one scheduler task inside a run's worker thread: the cold start, the base checkpoint's evaluation, or
 * one (algorithm, benchmark, seed) RL run and its evaluation. It opens no database: everything it produces is
 * reported to the main process, whose writer records it.
 */
import { APP_VERSION } from '../../core/version';
import { AppTools, type ToolHost } from './app-tools';
import { benchmarkInfo } from '../../benchmarks/mini/catalogue';
import { generateMiniSuite, type MiniSuite } from '../../benchmarks/mini/suites';
import { selectBackend } from '../../model/backend';
import { modelConfig } from '../../model/config';
import { selectTrainingEngine, tfjsEngine, trainsOnWebGpu } from '../../model/engine';
import { adapterLabel, gpuAdapter } from '../../model/onnx/gpu-adapter';
import { AdamW } from '../../model/optimizer';
import { Rng } from '../../model/rng';
import { ALGORITHMS } from '../../rl/algorithms/registry';
import { resolveSettings } from '../../rl/variants';
import { toolCacheKey } from '../../store/tool-cache-repo';
import type { PythonCalls } from '../../tools/types';
import { join } from 'node:path';
import { baseCheckpoint, loadBase } from './cold-start';
import { evaluatePolicy } from './evaluation';
import { produceRl } from './rl-producer';
import { asQuestions, shuffled, type RunTask, type TaskContext, type TaskReport } from './run-task';

type Report = (report: TaskReport) => void;

/** Tools over the task's snapshot of settings and search cache; new cache entries go back to the main process. */
function toolsFor(task: TaskContext, suite: MiniSuite, report: Report, python?: PythonCalls): AppTools {
  const caches = new Map<string, Map<string, string>>();
  const cache = (namespace: string) => {
    if (!caches.has(namespace))
      caches.set(namespace, new Map((task.searchCache[namespace] ?? []).map(([q, r]) => [toolCacheKey(q), r])));
    return caches.get(namespace)!;
  };
  const host: ToolHost = {
    dataDir: task.dataDir,
    services: {
      toolCache: {
        get: (namespace, query) => cache(namespace).get(toolCacheKey(query)),
        set: (namespace, query, result) => {
          cache(namespace).set(toolCacheKey(query), result);
          report({ type: 'cache', namespace, query, result });
        },
      },
      settings: { get: () => task.settings, secret: () => task.webSearchApiKey },
    },
  };
  return new AppTools(host, {
    pythonSandbox: task.pythonSandbox,
    corpus: { id: suite.id, documents: suite.documents },
    python,
  });
}

/** `python`: the lab's sandbox pool, reached from this thread; without it (tests) each tool set starts its own. */
export async function executeTask(
  task: RunTask,
  report: Report,
  pauseRequested: () => boolean,
  python?: PythonCalls,
): Promise<void> {
  if (task.kind === 'probe') {
    const { name, engine, skipped } = await selectBackend();
    // The engine runs train with, on a small model: its device, and the providers skipped before it. Where runs
    // train on WebGPU it is named without starting a session: a second thread on ONNX Runtime's WebGPU device while
    // a run uses it would crash the process (docs/engine.md).
    const adapter = gpuAdapter();
    const training = trainsOnWebGpu(adapter)
      ? { device: `onnxruntime webgpu (${adapter ? adapterLabel(adapter) : 'no adapter found'})`, skipped: [] }
      : await selectTrainingEngine(modelConfig('tiny', 300), 1).catch(() => tfjsEngine);
    return report({
      type: 'backend',
      name,
      engine,
      skipped,
      training: { device: training.device, skipped: training.skipped },
    });
  }
  const started = performance.now();
  const { config } = task;
  const suiteOf = (id: string) =>
    generateMiniSuite(id, { train: config.training.trainItems, test: config.evaluation.items });
  const backend = await selectBackend();
  const done = (outcome: 'finished' | 'paused') =>
    report({ type: 'done', outcome, seconds: (performance.now() - started) / 1000 });

  if (task.kind === 'cold-start') {
    const base = await baseCheckpoint(
      task.dataDir,
      task.benchmarks.map(suiteOf),
      config,
      (step, total, loss) => {
        if (step % 100 === 0 || step === total)
          report({ type: 'progress', line: `cold start ${step}/${total}: loss ${loss.toFixed(3)} nats/token` });
      },
      (model) =>
        selectTrainingEngine(model.config, task.computeThreads ?? 1, (line) => report({ type: 'progress', line })),
      task.seed,
    );
    report({
      type: 'progress',
      line: `base checkpoint ${base.reused ? 'reused' : `made in ${base.seconds.toFixed(1)} s`}: ${base.file}`,
    });
    return done('finished');
  }

  const policy = loadBase(task.baseFile);
  // One engine for the task: it samples the evaluations and the rollouts, and trains.
  const engine = await selectTrainingEngine(policy.model.config, task.computeThreads ?? 1, (line) =>
    report({ type: 'log', line }),
  );
  const engineLabel = engine.name === 'onnx' ? engine.device : backend.engine;
  // One tool set (and python sandbox pool) per suite for the whole task: training and evaluation share it.
  const tools = new Map<string, AppTools>();
  const suiteTools = (suite: MiniSuite) => {
    if (!tools.has(suite.id)) tools.set(suite.id, toolsFor(task, suite, report, python));
    return tools.get(suite.id)!;
  };
  const evaluate = async (suite: MiniSuite, step: number, seed: number) => {
    const evaluationStarted = performance.now();
    const result = await evaluatePolicy(
      policy,
      benchmarkInfo(suite.id),
      asQuestions(suite, 'test'),
      suiteTools(suite),
      config,
      new Rng(seed),
      engine,
    );
    report({
      type: 'evaluation',
      benchmark: suite.id,
      step,
      pass1: result.pass1,
      passK: result.passK,
      k: result.k,
      n: result.n,
      seconds: (performance.now() - evaluationStarted) / 1000,
      items: result.items,
    });
  };
  try {
    if (task.kind === 'evaluate-base') {
      report({ type: 'started', fromStep: 0, backend: engineLabel });
      for (const id of task.benchmarks) await evaluate(suiteOf(id), 0, task.seed);
      return done('finished');
    }
    const suite = suiteOf(task.benchmark);
    const trainingTools = suiteTools(suite);
    const algorithm = ALGORITHMS[task.algorithm];
    const optimizer = new AdamW(policy.model.variables(), config.optimizer);
    const order = shuffled(asQuestions(suite, 'train'), task.seed);
    const { questionsPerStep: perStep, steps } = config.training;
    // DAPO's refills come from the rest of the order, a fixed stretch per step, so a resumed run draws the same ones.
    const refills = new Map<number, number>();
    try {
      const outcome = await produceRl(
        {
          runId: task.runId,
          model: policy.model,
          tokenizer: policy.tokenizer,
          optimizer,
          engine,
          tools: trainingTools,
          algorithm,
          settings: resolveSettings(algorithm.id, config.algorithmSettings),
          rollout: config.rollout,
          seed: task.seed,
          steps,
          questionsFor: (step) =>
            Array.from({ length: perStep }, (_, i) => order[((step - 1) * perStep + i) % order.length]!),
          moreQuestions: (step, count) =>
            Array.from({ length: count }, () => {
              const used = refills.get(step) ?? 0;
              refills.set(step, used + 1);
              return order[(steps * perStep + (step - 1) * perStep * 16 + used) % order.length]!;
            }),
          checkpoints: {
            dir: join(task.dataDir, 'checkpoints'),
            every: config.budgets.checkpointEvery,
            appVersion: APP_VERSION,
          },
        },
        {
          started: (fromStep) => report({ type: 'started', fromStep, backend: engineLabel }),
          step: (step, metrics, rollouts, checkpoint) => report({ type: 'step', step, metrics, rollouts, checkpoint }),
          log: (line) => report({ type: 'log', line }),
          pauseRequested,
        },
        task.resumeFrom,
      );
      if (!outcome.finished) return done('paused');
    } finally {
      optimizer.dispose();
    }
    await evaluate(suite, steps, task.seed);
    done('finished');
  } finally {
    policy.model.dispose();
    for (const t of tools.values()) await t.stop();
  }
}
