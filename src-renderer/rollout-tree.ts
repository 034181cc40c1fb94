/**
 * Laying out a stored rollout tree for the viewer, and the paper's per-tree diagnostics: how many global samples and
 * branches, how concentrated the branching is on one parent, and how much of it is consecutive (a branch of a branch).
 */
import type { StoredTrajectory, StoredTree } from '../src-main/api/typed-api';

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
