/**
 * What a study reads of its experiment's runs: the trained runs by algorithm, benchmark and seed, their per-step
 * metrics, and the rollout trees they stored (rollouts-repo.ts), reduced to what the branching claim needs.
 */
import type { Services } from '../../services';
import type { Run, StoredTree } from '../../store/records';
import { clusteredEstimate, type Clustered } from '../../stats/clustered';
import type { BootstrapSettings } from '../../stats/estimates';

export interface StudyRuns {
  /** Trained runs (not the base rows) that completed, by algorithm. */
  byAlgorithm: Map<string, Run[]>;
  algorithms: string[];
  benchmarks: string[];
  seeds: number[];
  /** Every run of the experiment with its status, base rows included: the report counts what did not finish. */
  all: Run[];
}

/** The study's runs; its suites and seeds are the plan's, whether or not their runs have finished. */
export function studyRuns(
  services: Services,
  experimentId: number,
  plan: { algorithms: string[]; benchmarks: string[]; seeds: number[] },
): StudyRuns {
  const all = services.runs.list({ experimentId });
  const trained = all.filter((r) => r.algorithm !== 'base' && r.status === 'completed');
  return {
    byAlgorithm: new Map(plan.algorithms.map((a) => [a, trained.filter((r) => r.algorithm === a)])),
    algorithms: plan.algorithms,
    benchmarks: plan.benchmarks,
    seeds: plan.seeds,
    all,
  };
}

/** Appends to the list at `key`, making it when absent. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A per-run value read from the store once, however many comparisons use it. */
export function memoByRun(valueOf: (run: Run) => number): (run: Run) => number {
  const seen = new Map<number, number>();
  return (run) => {
    if (!seen.has(run.id)) seen.set(run.id, valueOf(run));
    return seen.get(run.id)!;
  };
}

/** One run's metric by step (finite values only). */
export function metricSeries(services: Services, run: Run, key: string): { step: number; value: number }[] {
  return services.metrics
    .series(run.id, key)
    .flatMap((p) => (p.value === null || !Number.isFinite(p.value) ? [] : [{ step: p.step, value: p.value }]));
}

export interface MetricCurve {
  /** The group: an algorithm, or a suite. */
  label: string;
  /** Per step: the mean over seeds of the seed's mean over its runs, and the 95 % band over seeds and runs. */
  points: { step: number; mean: number; low: number; high: number }[];
}

/** A metric over training steps for each group of runs, with its band (learning curves, entropy curves). */
export function metricCurves(
  services: Services,
  groups: Map<string, Run[]>,
  key: string,
  bootstrap: BootstrapSettings,
): MetricCurve[] {
  return [...groups].map(([label, runs]) => {
    const byStep = new Map<number, Clustered>();
    for (const run of runs)
      for (const { step, value } of metricSeries(services, run, key)) {
        const atStep = byStep.get(step) ?? new Map<number, number[]>();
        pushTo(atStep, run.seed, value);
        byStep.set(step, atStep);
      }
    const points = [...byStep]
      .sort(([a], [b]) => a - b)
      .map(([step, bySeed]) => {
        const e = clusteredEstimate(bySeed, bootstrap, `${key}:${label}:${step}`);
        return { step, mean: e.mean, low: e.ci.low, high: e.ci.high };
      });
    return { label, points };
  });
}

/** Per seed, one value per run from `valueOf` (runs where it is not a finite number are left out). */
export function perRunBySeed(runs: Run[], valueOf: (run: Run) => number): Clustered {
  const bySeed: Clustered = new Map();
  for (const run of runs) {
    const value = valueOf(run);
    if (!Number.isFinite(value)) continue;
    pushTo(bySeed, run.seed, value);
  }
  return bySeed;
}

/**
 * Per seed, the differences `valueOf(a) − valueOf(b)` of the runs of two algorithms on the same suite and seed: a
 * pair shares its base checkpoint and question order, so the suite's own level cancels in the difference.
 */
export function pairedRunDifferences(a: Run[], b: Run[], valueOf: (run: Run) => number): Clustered {
  const bySeed: Clustered = new Map();
  for (const run of a) {
    const match = b.find((other) => other.seed === run.seed && other.benchmark === run.benchmark);
    const difference = match ? valueOf(run) - valueOf(match) : NaN;
    if (Number.isFinite(difference)) pushTo(bySeed, run.seed, difference);
  }
  return bySeed;
}

/** What one tree says about branching: every branch by its source trajectory and iteration. */
export interface TreeBranching {
  /** Branches taken per source trajectory, most first (sources that never branched left out). */
  perSource: number[];
  /** Branch events whose source also branched at its previous tool step, and all branch events. */
  consecutive: number;
  events: number;
}

/**
 * Branching read from the tree's stored decisions (a taken decision is a fork of its trajectory at that rollout
 * iteration), counted the way rl/tree-metrics.ts counts it during training.
 */
export function treeBranching(tree: StoredTree): TreeBranching {
  const bySource = new Map<number, number[]>();
  for (const d of tree.decisions ?? []) {
    if (!d.taken) continue;
    pushTo(bySource, d.trajectory, d.iteration);
  }
  let consecutive = 0;
  let events = 0;
  for (const iterations of bySource.values()) {
    iterations.sort((a, b) => a - b);
    events += iterations.length;
    iterations.forEach((it, i) => {
      if (i > 0 && iterations[i - 1] === it - 1) consecutive++;
    });
  }
  return { perSource: [...bySource.values()].map((i) => i.length).sort((a, b) => b - a), consecutive, events };
}

/** Per seed, the branching of every tree its runs stored (all steps, all suites). */
export function branchingBySeed(services: Services, runs: Run[]): Map<number, TreeBranching[]> {
  const bySeed = new Map<number, TreeBranching[]>();
  for (const run of runs)
    for (const row of services.rollouts.list(run.id))
      pushTo(bySeed, run.seed, treeBranching(row.tree as unknown as StoredTree));
  return bySeed;
}
