/**
 * Diagnostics of rollout trees, the numbers behind the paper's motivation: how concentrated branching is (93.4 % of
 * ARPO's branches landed on 1–3 trajectories of a question) and how often branching is consecutive, measured two
 * ways: per path (a trajectory branching again at its next tool step, the paper's 56.5 % for ARPO) and per question
 * (a question growing its tree in consecutive rollout iterations, what AEPO's penalty acts on), plus diversity.
 */
import type { RolloutTree } from './rollout/types';

export interface TreeMetrics {
  /** Mean m (trajectories started from the root) per question. */
  globalSamples: number;
  /** Mean branches (forked trajectories) per question. */
  branchesPerQuestion: number;
  /** Of all branches, the share whose source is among the 3 most-branched trajectories of its question. */
  branchConcentration: number;
  /** Per path: of all branch events, the share where the same trajectory also branched at its previous tool step. */
  consecutiveBranchSharePerPath: number;
  /**
   * Per question: of the rollout iterations in which a question grew its tree, the share that directly followed
   * another growing iteration (what AEPO's penalty counts, as l).
   */
  consecutiveGrowthShare: number;
  /** Mean number of distinct final answers per question. */
  distinctAnswers: number;
}

/** The q-quantile of sorted values, interpolated linearly between neighbours (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/**
 * The branch probabilities P of a step's decisions (mean, 10th and 90th percentiles) and the share of decisions that
 * forked, under `rollout/branch_*`; none when the step made no decision (independent sampling, or no tool call).
 */
export function branchDecisionMetrics(trees: RolloutTree[]): Record<string, number> {
  const decisions = trees.flatMap((tree) => tree.decisions);
  if (decisions.length === 0) return {};
  const p = decisions.map((d) => d.probability).sort((a, b) => a - b);
  return {
    'rollout/branch_decisions': decisions.length,
    'rollout/branch_probability_mean': p.reduce((a, b) => a + b, 0) / p.length,
    'rollout/branch_probability_p10': quantile(p, 0.1),
    'rollout/branch_probability_p90': quantile(p, 0.9),
    'rollout/branch_taken_share': decisions.filter((d) => d.taken).length / decisions.length,
  };
}

export function treeMetrics(
  trees: RolloutTree[],
  finalAnswer: (tree: RolloutTree, trajectory: number) => string | null,
): TreeMetrics {
  let branches = 0;
  let onTop3 = 0;
  let events = 0;
  let consecutiveEvents = 0;
  let distinct = 0;
  let growths = 0;
  let consecutiveGrowths = 0;
  for (const tree of trees) {
    const grew = tree.growthIterations;
    growths += grew.length;
    grew.forEach((iteration, i) => {
      if (i > 0 && grew[i - 1] === iteration - 1) consecutiveGrowths++;
    });
    const perSource = tree.trajectories.map((t) => t.branchIterations.length).sort((a, b) => b - a);
    const total = perSource.reduce((a, b) => a + b, 0);
    branches += total;
    onTop3 += perSource.slice(0, 3).reduce((a, b) => a + b, 0);
    for (const t of tree.trajectories) {
      // A branch event at a tool step is "consecutive" when the trajectory also branched at the tool step before it.
      const steps = t.branchIterations;
      events += steps.length;
      steps.forEach((iteration, i) => {
        if (i > 0 && steps[i - 1] === iteration - 1) consecutiveEvents++;
      });
    }
    const answers = new Set(tree.trajectories.map((_, i) => finalAnswer(tree, i) ?? '∅'));
    distinct += answers.size;
  }
  const questions = Math.max(1, trees.length);
  return {
    globalSamples: trees.reduce((n, t) => n + t.globalSamples, 0) / questions,
    branchesPerQuestion: branches / questions,
    branchConcentration: branches === 0 ? 0 : onTop3 / branches,
    consecutiveBranchSharePerPath: events === 0 ? 0 : consecutiveEvents / events,
    consecutiveGrowthShare: growths === 0 ? 0 : consecutiveGrowths / growths,
    distinctAnswers: distinct / questions,
  };
}
