/**
 * How long an experiment will take here: the cold start (unless its base checkpoint is cached), then every run's
 * steps and evaluation, divided among the runs trained at once. Step times are the ones this machine measured on
 * each benchmark (`timing_s/step` of earlier runs); where none were measured, the figures of the quick preset on a
 * 2-core laptop stand in, and the answer says so.
 */
import { availableParallelism } from 'node:os';
import { MINI_SUITES } from '../../benchmarks/mini/catalogue';
import type { Services } from '../../services';
import { resolvePlan, type experimentPlanInput } from './plan';
import type { z } from 'zod';
import { detectableDifference, type DetectableDifference, type VarianceReader } from './power-estimate';

export interface Estimate {
  /** Wall time, seconds. */
  seconds: number;
  runs: number;
  /** `measured`: every benchmark's step time comes from runs on this machine; `typical`: some are stand-ins. */
  basis: 'measured' | 'typical';
  /** What the design can resolve: experiments/plan/power-estimate.ts. */
  detectable: DetectableDifference;
}

/**
 * Seconds per RL step and per evaluated sample, by family: the quick preset on a 2-core laptop with ONNX Runtime and
 * the in-place python sandbox (docs/python-sandbox.md), two runs at a time.
 */
const TYPICAL = {
  math: { step: 0.57, sample: 0.015 },
  knowledge: { step: 0.46, sample: 0.005 },
  deep_search: { step: 0.67, sample: 0.005 },
} as const;
/**
 * How much slower each model size is than `tiny`, per RL step and evaluated sample, and its seconds per cold-start
 * step. `small` was measured here (docs/study/calibration.md: GRPO steps of 3–4.6 s, 3,000 cold-start steps in about
 * 4 min); `base` was never run on this machine and its figures are guesses from its size.
 */
const SIZE_COST = {
  tiny: { slowdown: 1, coldStartStep: 0.03 },
  small: { slowdown: 6, coldStartStep: 0.08 },
  base: { slowdown: 25, coldStartStep: 0.3 },
} as const;

export function estimateExperiment(
  services: Services,
  input: z.output<typeof experimentPlanInput>,
  variances?: VarianceReader,
): Estimate {
  const plan = resolvePlan(input);
  const { training, evaluation, coldStart, model } = plan.config;
  const size = SIZE_COST[model.size];
  // Step times measured on runs of the same model size only: `small` steps take six times `tiny`'s.
  const measured = new Map(
    services.metrics.meanByBenchmark('timing_s/step', model.size).map((m) => [m.benchmark, m.mean]),
  );
  const concurrency = services.settings.get().concurrentRuns ?? availableParallelism();
  let work = 0;
  let typical = false;
  for (const benchmark of plan.benchmarks) {
    const family = TYPICAL[MINI_SUITES[benchmark]?.family ?? 'math'];
    const step = measured.get(benchmark);
    if (step === undefined) typical = true;
    const evaluationSeconds = evaluation.items * evaluation.samples * family.sample * size.slowdown;
    const perRun = training.steps * (step ?? family.step * size.slowdown) + evaluationSeconds;
    work += perRun * plan.algorithms.length * plan.seeds.length + evaluationSeconds * plan.seeds.length;
  }
  const runs = plan.seeds.length * (1 + plan.algorithms.length * plan.benchmarks.length);
  return {
    // A per-seed cold start makes one base checkpoint per seed.
    seconds: Math.round(
      coldStart.steps * size.coldStartStep * (coldStart.perSeed ? plan.seeds.length : 1) +
        work / Math.max(1, concurrency),
    ),
    runs,
    basis: typical ? 'typical' : 'measured',
    detectable: detectableDifference(
      services,
      plan.benchmarks,
      { items: evaluation.items, samples: evaluation.samples, seeds: plan.seeds.length },
      variances,
    ),
  };
}
