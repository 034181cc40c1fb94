// The rollout viewer's layout and per-tree diagnostics.
import { describe, expect, it } from 'vitest';
import { treeDiagnostics, treeRows } from '../../../src-renderer/rollout-tree';
import type { StoredTrajectory } from '../../../src-main/store/records';

const t = (id: number, parent: number | null, forkedAtToken: number | null, length: number): StoredTrajectory => ({
  id,
  parent,
  reward: 1,
  forkedAtToken,
  stopReason: 'eos',
  toolCalls: 0,
  pieces: Array.from({ length }, () => 'x'),
  mask: Array.from({ length }, () => 1),
  entropy: Array.from({ length }, () => 0.5),
  segments: [],
});

describe('rollout tree view', () => {
  it('lays out branches under their parent from their fork token, and measures the branching', () => {
    // Two global samples; #0 branches twice (#2, #3), and #3 branches again (#4): one consecutive branch of three.
    const tree = {
      globalSamples: 2,
      fills: 0,
      trajectories: [t(0, null, null, 30), t(1, null, null, 20), t(2, 0, 10, 25), t(3, 0, 12, 28), t(4, 3, 20, 26)],
    };
    expect(treeRows(tree).map((r) => [r.trajectory.id, r.depth, r.start])).toEqual([
      [0, 0, 0],
      [2, 1, 10],
      [3, 1, 12],
      [4, 2, 20],
      [1, 0, 0],
    ]);
    expect(treeDiagnostics(tree)).toEqual({ globalSamples: 2, branches: 3, concentration: 2 / 3, consecutive: 1 / 3 });
  });
});
