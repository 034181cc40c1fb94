/**
 * Claim 1, branch concentration: ARPO's branches pile onto few trajectories of a question and consecutive tool steps
 * of one trajectory branch again; AEPO lowers both. Read from every rollout tree the tree-rollout runs stored, each
 * tree one unit, bootstrapped over seeds and trees (stats/clustered.ts).
 */
import type { Services } from '../../services';
import { clusteredDifference, clusteredEstimate, type Clustered, type ClusteredEstimate } from '../../stats/clustered';
import type { BootstrapSettings } from '../../stats/estimates';
import { branchingBySeed, type StudyRuns, type TreeBranching } from './study-data';
import { combined, verdictOf, withHolm, type Improvement, type Verdict } from './verdict';

/** The algorithms that branch at tool calls (rollout `arpo_tree` or `aepo_tree`). */
export const TREE_ALGORITHMS = ['arpo', 'aepo', 'aepo_rollout_only'] as const;
/** The smallest change in a share that counts, in points. */
export const SHARE_DELTA = 2;
/** Histogram bins: a branched tree's branches came from 1, 2, 3 or 4 and more trajectories. */
export const SOURCE_BINS = ['1', '2', '3', '≥ 4'] as const;

export interface BranchingArm {
  algorithm: string;
  trees: number;
  /** Trees with at least one branch: the units of the shares. */
  branchedTrees: number;
  branches: number;
  /** Per branched tree, the share (%) of its branches whose source is its most-branched trajectory. */
  top1: ClusteredEstimate;
  /** The same for its 3 most-branched trajectories (the paper: 93.4 % for ARPO). */
  top3: ClusteredEstimate;
  /** Per tree with branches, the share (%) of branch events whose trajectory also branched at its previous tool step. */
  consecutive: ClusteredEstimate;
  /** Share (%) of branched trees by the number of trajectories their branches came from (SOURCE_BINS). */
  sources: number[];
}

export interface BranchingClaim {
  arms: BranchingArm[];
  /** ARPO's share minus AEPO's (positive: AEPO concentrates less), and the same for AEPO's rollout-only ablation. */
  concentration: Improvement[];
  consecutive: Improvement[];
  verdict: Verdict;
  parts: { concentration: Verdict; consecutive: Verdict };
}

const bySeedOf = (trees: Map<number, TreeBranching[]>, unit: (t: TreeBranching) => number | null): Clustered =>
  new Map([...trees].map(([seed, list]) => [seed, list.flatMap((t) => (unit(t) === null ? [] : [unit(t)!]))] as const));

const topShare = (n: number) => (t: TreeBranching) =>
  t.events === 0 ? null : (100 * t.perSource.slice(0, n).reduce((a, b) => a + b, 0)) / t.events;
const consecutiveShare = (t: TreeBranching) => (t.events === 0 ? null : (100 * t.consecutive) / t.events);

const isAepo = (i: Improvement) => i.against === 'arpo';

export function branchingClaim(services: Services, runs: StudyRuns, bootstrap: BootstrapSettings): BranchingClaim {
  const present = TREE_ALGORITHMS.filter((a) => (runs.byAlgorithm.get(a)?.length ?? 0) > 0);
  const trees = new Map<string, Map<number, TreeBranching[]>>(
    present.map((a) => [a, branchingBySeed(services, runs.byAlgorithm.get(a)!)]),
  );
  const arms = present.map((algorithm): BranchingArm => {
    const bySeed = trees.get(algorithm)!;
    const all = [...bySeed.values()].flat();
    const branched = all.filter((t) => t.events > 0);
    const sources = SOURCE_BINS.map((_, bin) => {
      const inBin = branched.filter((t) => Math.min(t.perSource.length, SOURCE_BINS.length) === bin + 1).length;
      return branched.length === 0 ? 0 : (100 * inBin) / branched.length;
    });
    return {
      algorithm,
      trees: all.length,
      branchedTrees: branched.length,
      branches: branched.reduce((n, t) => n + t.events, 0),
      top1: clusteredEstimate(bySeedOf(bySeed, topShare(1)), bootstrap, `top1:${algorithm}`),
      top3: clusteredEstimate(bySeedOf(bySeed, topShare(3)), bootstrap, `top3:${algorithm}`),
      consecutive: clusteredEstimate(bySeedOf(bySeed, consecutiveShare), bootstrap, `consecutive:${algorithm}`),
      sources,
    };
  });
  const against = (unit: (t: TreeBranching) => number | null, name: string) =>
    withHolm(
      ['aepo', 'aepo_rollout_only']
        .filter((a) => trees.has(a) && trees.has('arpo'))
        .map((a) => {
          // ARPO minus the AEPO arm: positive where AEPO's rollouts concentrate less.
          const d = clusteredDifference(
            bySeedOf(trees.get('arpo')!, unit),
            bySeedOf(trees.get(a)!, unit),
            bootstrap,
            `${name}:${a}`,
          );
          return { against: a === 'aepo' ? 'arpo' : 'arpo (AEPO rollout only)', value: d.difference, ci: d.ci, p: d.p };
        }),
    );
  const concentration = against(topShare(3), 'top3');
  const consecutive = against(consecutiveShare, 'consecutive');
  // The verdict is AEPO's own; the rollout-only ablation's line shows where the change comes from.
  const parts = {
    concentration: verdictOf(concentration.filter(isAepo), SHARE_DELTA),
    consecutive: verdictOf(consecutive.filter(isAepo), SHARE_DELTA),
  };
  return { arms, concentration, consecutive, parts, verdict: combined(Object.values(parts)) };
}
