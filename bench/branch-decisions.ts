/**
 * Whether entropy guidance acts: the branch probabilities P that ARPO and AEPO drew against, and AEPO's pre-monitored
 * m, read from an experiment's stored rollout trees (docs/algorithms.md, "Every branch decision on record"). Per
 * algorithm and benchmark: decisions, P's 10th/50th/90th percentiles and their spread, the share pinned at 0 or 1, a
 * 10-bin histogram of P, the share forked against the mean P, and the distinct values of m. Trees stored before
 * decisions were recorded are read by reconstruction (ΔH at every tool call of every trajectory from its segments,
 * P by ARPO's rule; marked `reconstructed`). Run after an experiment:
 * `npm run bench:branch-decisions -- DATA_DIR EXPERIMENT_ID`. Prints a Markdown table, the histograms, then JSON.
 */
import { join } from 'node:path';
import { openLab } from '../src-main/app/open-lab';
import { arpoBranchProbability, DEFAULT_BRANCH_CONFIG } from '../src-main/rl/branching';
import { quantile } from '../src-main/rl/tree-metrics';
import type { StoredTree } from '../src-main/store/records';
import { migrationsFromFolder } from '../src-main/store/migrations';

const [dataDir, idText] = process.argv.slice(2);
if (!dataDir || !idText) {
  console.error('usage: npm run bench:branch-decisions -- DATA_DIR EXPERIMENT_ID');
  process.exit(2);
}

/** P at every tool call of every trajectory, by ARPO's rule on ΔH from the stored segments (older trees). */
function reconstructed(tree: StoredTree): { probability: number; taken: null }[] {
  return tree.trajectories.flatMap((t) => {
    const own = t.segments.filter((s) => s.start >= (t.forkedAtToken ?? 0));
    const initial = own[0]?.entropy ?? 0;
    // Every own segment but the last ended in a tool call that the trajectory went on from.
    return own.slice(0, -1).map((s) => ({
      probability: arpoBranchProbability(s.entropy - initial, DEFAULT_BRANCH_CONFIG),
      taken: null,
    }));
  });
}

const lab = openLab({
  dataDir,
  mode: 'cli',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
try {
  const runs = lab.services.runs
    .list({ experimentId: Number(idText) })
    .filter((r) => r.algorithm === 'arpo' || r.algorithm === 'aepo');
  const groups = new Map<string, { p: number[]; taken: number[]; m: number[]; reconstructed: boolean }>();
  for (const run of runs) {
    const key = `${run.algorithm} ${run.benchmark}`;
    const group = groups.get(key) ?? { p: [], taken: [], m: [], reconstructed: false };
    groups.set(key, group);
    for (const rollout of lab.services.rollouts.list(run.id)) {
      const tree = rollout.tree as unknown as StoredTree;
      group.m.push(tree.globalSamples);
      const decisions = tree.decisions ?? reconstructed(tree);
      if (!tree.decisions) group.reconstructed = true;
      for (const d of decisions) {
        group.p.push(d.probability);
        if (d.taken !== null) group.taken.push(d.taken ? 1 : 0);
      }
    }
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const report = Object.fromEntries(
    [...groups].map(([key, g]) => {
      const sorted = [...g.p].sort((a, b) => a - b);
      const n = sorted.length;
      const histogram = Array.from({ length: 10 }, () => 0);
      for (const p of sorted) histogram[Math.min(9, Math.floor(p * 10))]!++;
      const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, n);
      const sd = Math.sqrt(sorted.reduce((v, p) => v + p * (1 - p), 0)) / Math.max(1, n);
      const mCounts: Record<string, number> = {};
      for (const m of g.m) mCounts[m] = (mCounts[m] ?? 0) + 1;
      return [
        key,
        {
          decisions: n,
          reconstructed: g.reconstructed,
          p10: round(quantile(sorted, 0.1)),
          p50: round(quantile(sorted, 0.5)),
          p90: round(quantile(sorted, 0.9)),
          spread: round(quantile(sorted, 0.9) - quantile(sorted, 0.1)),
          pinned: round(sorted.filter((p) => p === 0 || p === 1).length / Math.max(1, n)),
          meanP: round(mean),
          takenShare: g.taken.length === 0 ? null : round(g.taken.reduce((a, b) => a + b, 0) / g.taken.length),
          binomialSe: round(sd),
          histogram,
          m: mCounts,
        },
      ];
    }),
  );
  console.log(
    '| algorithm benchmark | decisions | P p10 | P p50 | P p90 | spread | pinned 0/1 | mean P | forked | m (trees) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [key, r] of Object.entries(report)) {
    const m = Object.entries(r.m)
      .map(([value, count]) => `${value}: ${count}`)
      .join(', ');
    console.log(
      `| ${key}${r.reconstructed ? ' (reconstructed)' : ''} | ${r.decisions} | ${r.p10} | ${r.p50} | ${r.p90} | ${r.spread} | ${r.pinned} | ${r.meanP} | ${r.takenShare ?? '—'} ± ${r.binomialSe} | ${m} |`,
    );
  }
  for (const [key, r] of Object.entries(report))
    console.log(`${key}: P histogram (0–0.1 … 0.9–1) ${r.histogram.join(' ')}`);
  console.log(JSON.stringify(report));
} finally {
  lab.close();
}
