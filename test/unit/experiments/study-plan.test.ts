// The paper-claims study: its plan under a budget, and the branching it reads from stored rollout trees.
import { describe, expect, it } from 'vitest';
import { planPaperClaims, STUDY_SUITES } from '../../../src-main/experiments/study/paper-claims-plan';
import { treeBranching } from '../../../src-main/experiments/study/study-data';
import type { StoredTree } from '../../../src-main/store/records';
import type { StudyReport } from '../../../src-main/experiments/study/report';
import { tempLab } from '../../support/temp';

describe('paper-claims study plan', () => {
  it('takes the largest plan whose estimate fits the budget: more suites first, then more seeds', () => {
    const lab = tempLab();
    const plan = planPaperClaims(lab.services, 90);
    expect(plan.fits).toBe(true);
    const chosen = plan.considered.find(
      (c) => c.suites === plan.input.benchmarks!.length && c.seeds === plan.input.seeds!.length,
    )!;
    expect(chosen.minutes).toBeLessThanOrEqual(90);
    // Every plan after it in (suites, seeds) order is over the budget.
    const after = plan.considered.slice(plan.considered.indexOf(chosen) + 1);
    expect(after.every((c) => !c.fits)).toBe(true);
    expect(plan.input).toMatchObject({
      study: 'paper-claims',
      algorithms: expect.arrayContaining(['aepo', 'arpo', 'aepo_rollout_only', 'aepo_update_only', 'grpo']),
      benchmarks: STUDY_SUITES.slice(0, chosen.suites),
      description: '`aepo-lab study paper-claims --budget 90`',
    });
    expect(plan.input.algorithms).toHaveLength(10);
    expect(plan.input.seeds!.length).toBeGreaterThanOrEqual(3);
    // Each seed its own cold start; 200 test items keep the detectable difference at 3 points or less.
    expect(plan.input.config).toMatchObject({ coldStart: { perSeed: true }, evaluation: { items: 200 } });
    expect(plan.estimate.runs).toBe(chosen.runs);
  });

  it('says when even the smallest plan is over the budget, and a larger budget never buys a smaller plan', () => {
    const lab = tempLab();
    const tight = planPaperClaims(lab.services, 1);
    expect(tight.fits).toBe(false);
    expect(tight.input.benchmarks).toEqual([STUDY_SUITES[0]]);
    expect(tight.input.seeds).toEqual([1, 2, 3]);
    const runs = [30, 60, 120, 240, 480].map((budget) => planPaperClaims(lab.services, budget).estimate.runs);
    expect(runs).toEqual([...runs].sort((a, b) => a - b));
    expect(() => planPaperClaims(lab.services, 0)).toThrow(/positive minutes/);
  });

  it('a study is an experiment: created through the same channel, marked, its runs queued seed by seed', async () => {
    const lab = tempLab();
    const plan = planPaperClaims(lab.services, 30);
    const created = await lab.dispatch('experiments.create', plan.input);
    expect(created.ok).toBe(true);
    const id = (created as { ok: true; data: { id: number } }).data.id;
    expect(lab.services.experiments.get(id).config).toMatchObject({ study: 'paper-claims' });
    const runs = lab.services.runs.list({ experimentId: id }).sort((a, b) => a.id - b.id);
    const trained = runs.filter((r) => r.algorithm !== 'base').map((r) => r.seed);
    expect(trained).toEqual([...trained].sort((a, b) => a - b));
  });
});

describe('branching read from a stored tree', () => {
  const decision = (trajectory: number, iteration: number, taken = true) => ({
    iteration,
    trajectory,
    atToken: 0,
    deltaH: 0,
    probability: 0.5,
    taken,
  });

  it('counts branches per source trajectory and consecutive branching of one trajectory', () => {
    const tree = {
      globalSamples: 2,
      fills: 0,
      trajectories: [],
      decisions: [
        decision(0, 1),
        decision(0, 2),
        decision(0, 4),
        decision(1, 2),
        decision(1, 3, false),
        decision(2, 5),
      ],
    } as unknown as StoredTree;
    // Trajectory 0 branched at iterations 1, 2 and 4 (2 follows 1: consecutive); 1 at 2; 2 at 5.
    expect(treeBranching(tree)).toEqual({ perSource: [3, 1, 1], consecutive: 1, events: 5 });
  });

  it('a tree stored without decisions has no branches', () => {
    expect(treeBranching({ globalSamples: 8, fills: 0, trajectories: [] } as StoredTree)).toEqual({
      perSource: [],
      consecutive: 0,
      events: 0,
    });
  });
});

describe('a study report before any run finished', () => {
  it('reports every claim inconclusive, with its figures, rather than failing', async () => {
    const lab = tempLab();
    const created = await lab.dispatch('experiments.create', planPaperClaims(lab.services, 30).input);
    const id = (created as { ok: true; data: { id: number } }).data.id;
    const report = await lab.dispatch('studies.report', { id });
    expect(report.ok).toBe(true);
    const { claims, markdown, figures } = (report as { ok: true; data: StudyReport }).data;
    expect(claims.map((c) => c.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive']);
    expect(markdown).toMatch(/Runs\*\*: 0 of \d+ finished/);
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) expect(f.svg).not.toMatch(/NaN|Infinity/);
  });
});
