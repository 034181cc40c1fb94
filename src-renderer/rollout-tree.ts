/**
 * Laying out a stored rollout tree for the viewer, and the paper's per-tree diagnostics: how many global samples and
 * branches, how concentrated the branching is on one parent, and how much of it is consecutive (a branch of a branch).
 */
import type { StoredDecision, StoredTrajectory, StoredTree } from '../src-main/api/typed-api';

export interface TreeRow {
  trajectory: StoredTrajectory;
  depth: number;
  /** Where its own tokens start on the shared token axis (its fork point; 0 for a global sample). */
  start: number;
  end: number;
}

/** Depth-first rows: each trajectory under its parent, offset to the token where it forked. */
export function treeRows(tree: StoredTree): TreeRow[] {
  const children = new Map<number | null, StoredTrajectory[]>();
  for (const t of tree.trajectories) children.set(t.parent, [...(children.get(t.parent) ?? []), t]);
  const rows: TreeRow[] = [];
  const visit = (t: StoredTrajectory, depth: number) => {
    const start = t.forkedAtToken ?? 0;
    rows.push({ trajectory: t, depth, start, end: Math.max(start + 1, t.pieces.length) });
    for (const child of children.get(t.id) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  return rows;
}

export interface TreeDiagnostics {
  globalSamples: number;
  branches: number;
  /** Share of the branches that fork from the single most-branched trajectory (1: all from one). */
  concentration: number;
  /** Share of the branches whose parent is itself a branch. */
  consecutive: number;
}

export function treeDiagnostics(tree: StoredTree): TreeDiagnostics {
  const branches = tree.trajectories.filter((t) => t.parent !== null);
  const perParent = new Map<number, number>();
  for (const b of branches) perParent.set(b.parent!, (perParent.get(b.parent!) ?? 0) + 1);
  const isBranch = new Set(branches.map((b) => b.id));
  return {
    globalSamples: tree.trajectories.length - branches.length,
    branches: branches.length,
    concentration: branches.length === 0 ? 0 : Math.max(...perParent.values()) / branches.length,
    consecutive: branches.length === 0 ? 0 : branches.filter((b) => isBranch.has(b.parent!)).length / branches.length,
  };
}

/** Per bin of the branch probability P (0–0.1, …, 0.9–1), how many decisions fell there and how many forked. */
export interface ProbabilityBin {
  from: number;
  to: number;
  decisions: number;
  taken: number;
}

export interface DecisionSummary {
  bins: ProbabilityBin[];
  count: number;
  meanProbability: number;
  takenShare: number;
  /** The binomial standard error of the taken share if every draw was u < P: √(Σ P(1 − P)) / n. */
  standardError: number;
}

/** The branch decisions of a step's trees as a histogram of P, with the share taken against the mean P. */
export function decisionSummary(trees: StoredTree[], bins = 10): DecisionSummary | null {
  const decisions: StoredDecision[] = trees.flatMap((tree) => tree.decisions ?? []);
  if (decisions.length === 0) return null;
  const histogram = Array.from({ length: bins }, (_, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    decisions: 0,
    taken: 0,
  }));
  for (const d of decisions) {
    const bin = histogram[Math.min(bins - 1, Math.floor(d.probability * bins))]!;
    bin.decisions++;
    if (d.taken) bin.taken++;
  }
  const n = decisions.length;
  return {
    bins: histogram,
    count: n,
    meanProbability: decisions.reduce((sum, d) => sum + d.probability, 0) / n,
    takenShare: decisions.filter((d) => d.taken).length / n,
    standardError: Math.sqrt(decisions.reduce((v, d) => v + d.probability * (1 - d.probability), 0)) / n,
  };
}
