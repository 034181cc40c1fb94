import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../../src-main/app/open-lab';
import type { EvaluationItemRow, JsonObject } from '../../../src-main/store/records';
import { exportExperiment, runsTable } from '../../../src-main/experiments/results/export';
import { resolveConfig } from '../../../src-main/experiments/plan/plan';
import { EXPORT_FORMATS } from '../../../src-main/experiments/results/export-formats';
import { resultsTable } from '../../../src-main/experiments/results/results-table';
import { startServer } from '../../../src-main/serve/server';
import { runCli } from '../../../src-main/cli/main';
import { tempDir, tempLab } from '../../support/temp';

const GOLDEN = join(import.meta.dirname, '../../golden');
const EXTENSIONS = { csv: 'csv', md: 'md', latex: 'tex' } as const;

/** 20 items, one sample each, whose scores average exactly `value` %: spread symmetrically, in a seed's own order. */
function itemRows(runId: number, benchmark: string, value: number, seed: number): EvaluationItemRow[] {
  const spread = Math.min(value, 100 - value) / 100;
  const pattern = [0.9, 0.6, 0.3, 0.8, 0.5, 0.2, 0.7, 0.4, 0.1, 1].flatMap((d) => [d, -d]);
  return pattern.map((d, i) => ({
    runId,
    step: 10,
    benchmark,
    index: (i * 7 + seed * 3) % 20,
    sample: 0,
    prediction: null,
    extracted: null,
    gold: ['x'],
    score: value / 100 + spread * d,
    verdict: 'partial' as const,
    reason: '',
  }));
}

/**
 * A fixed small experiment: base, GRPO and AEPO over 2 seeds, an outside model, three suites (one per family). AEPO
 * runs the released scripts' variant and GRPO a smaller group, so the settings footnote names both.
 */
function goldenExperiment(lab: Lab): number {
  const experiment = lab.services.experiments.create({ name: 'golden: AEPO vs GRPO' });
  const pass1: Record<string, number[][]> = {
    // per seed: [mini-gsm8k, mini-hotpotqa, mini-webwalker]
    base: [[20, 10, 5]],
    grpo: [
      [30, 12, 6],
      [34, 14, 10], // mini-webwalker: a tie with AEPO's mean, 8.0, so both are bold
    ],
    aepo: [
      [36, 15, 7],
      [40, 17, 9],
    ],
    'outside:gpt-x': [[55, 40]], // evaluated on two suites only
  };
  const benchmarks = ['mini-gsm8k', 'mini-hotpotqa', 'mini-webwalker'];
  const configs: Record<string, JsonObject> = {
    aepo: { algorithmSettings: { variant: 'released' } },
    grpo: { algorithmSettings: { groupSize: 4, clipHigh: 0.2 } }, // clipHigh as the default: not named
  };
  for (const [algorithm, seeds] of Object.entries(pass1)) {
    seeds.forEach((values, seed) => {
      const run = lab.services.runs.create({
        experimentId: experiment.id,
        algorithm,
        benchmark: 'mini-gsm8k',
        seed: seed + 1,
        // Stored as the lab stores a run's config: resolved, every default filled in (outside models have none).
        config: algorithm.startsWith('outside:')
          ? undefined
          : (resolveConfig('quick', configs[algorithm]) as unknown as JsonObject),
      });
      if (algorithm === 'grpo' || algorithm === 'aepo')
        // Two steps each: AEPO samples more per step (its pilots and branches) than GRPO.
        lab.services.metrics.append(
          run.id,
          [1, 2].flatMap((step) => [
            { key: 'tokens/generated', step, value: (algorithm === 'aepo' ? 900 : 600) + 10 * seed },
            { key: 'timing_s/step', step, value: algorithm === 'aepo' ? 3 : 2 },
          ]),
        );
      lab.services.evaluations.recordItems(
        values.flatMap((value, b) => itemRows(run.id, benchmarks[b]!, value, seed + Number(algorithm.length))),
      );
      lab.services.evaluations.record(
        values.flatMap((value, b) => [
          // An earlier evaluation that the table must ignore for the run's last one.
          { runId: run.id, step: 1, benchmark: benchmarks[b]!, metric: 'pass', k: 1, value: 1, n: 40 },
          { runId: run.id, step: 10, benchmark: benchmarks[b]!, metric: 'pass', k: 1, value, n: 40 },
          {
            runId: run.id,
            step: 10,
            benchmark: benchmarks[b]!,
            metric: 'pass',
            k: 5,
            value: Math.min(100, value * 1.5),
            n: 40,
          },
        ]),
      );
    });
  }
  return experiment.id;
}

describe('results table and export', () => {
  it('takes each run’s last evaluation, mean ± std over seeds, family and overall averages, best in bold', () => {
    const lab = tempLab();
    const id = goldenExperiment(lab);
    const table = resultsTable(lab.services.evaluations.ofExperiment(id), 'pass@1', [], { bold: 'best' });
    expect(table.rows.map((r) => r.label)).toEqual(['base', 'grpo', 'aepo', 'outside:gpt-x']);
    expect(table.columns.map((c) => c.label)).toEqual([
      'mini-gsm8k',
      'mini-hotpotqa',
      'mini-webwalker',
      'Math avg',
      'Knowledge avg',
      'Deep search avg',
      'Overall',
    ]);
    const aepo = table.rows[2]!.cells;
    expect(aepo[0]).toMatchObject({ mean: 38, n: 2 });
    expect(aepo[0]!.std).toBeCloseTo(Math.SQRT2 * 2, 10);
    // Overall per seed: (36+15+7)/3 and (40+17+9)/3, then their mean.
    expect(aepo[6]!.mean).toBeCloseTo((58 / 3 + 66 / 3) / 2, 10);
    expect(table.rows[3]!.cells[2]).toBeNull();
    // The outside model lacks mini-webwalker: no overall average over fewer benchmarks, and a note says why.
    expect(table.rows[3]!.cells[6]).toBeNull();
    expect(table.notes).toEqual(['outside:gpt-x: no Overall: mini-webwalker not evaluated for every seed']);
    expect(table.best).toEqual([[3], [3], [1, 2], [3], [3], [1, 2], [2]]);
    // An outside model (evaluate, score --experiment) gets the same treatment: one seed, its items resampled, and
    // a comparison with the reference on the items both were scored on.
    const withItems = resultsTable(
      lab.services.evaluations.ofExperiment(id),
      'pass@1',
      lab.services.evaluations.itemScores(lab.services.runs.list({ experimentId: id }).map((r) => r.id)),
    );
    const outside = withItems.rows[3]!;
    expect(outside.cells[0]).toMatchObject({ mean: 55, n: 1, items: 20, samples: 1 });
    expect(outside.cells[0]!.ci!.high - outside.cells[0]!.ci!.low).toBeGreaterThan(10);
    expect(outside.comparisons[0]).toMatchObject({ items: 20 });
    expect(outside.comparisons[0]!.difference).toBeCloseTo(55 - 38, 10);
    // Compute per row is read from the runs' metrics by the export (export.ts), not by the table itself.
    expect(table.rows[2]!.compute).toBeNull();
    expect(() => resultsTable([], 'accuracy')).toThrow(/pass@K/);
  });

  it('a row missing a benchmark for one seed (a failed run) gets no average that covers it', () => {
    const lab = tempLab();
    const id = goldenExperiment(lab);
    const failed = lab.services.runs.create({ experimentId: id, algorithm: 'grpo', benchmark: 'mini-gsm8k', seed: 3 });
    lab.services.evaluations.record(
      ['mini-gsm8k', 'mini-hotpotqa'].map((benchmark) => ({
        runId: failed.id,
        step: 10,
        benchmark,
        metric: 'pass',
        k: 1,
        value: 90,
        n: 40,
      })),
    );
    const table = resultsTable(lab.services.evaluations.ofExperiment(id), 'pass@1');
    const grpo = table.rows[1]!;
    expect(grpo.cells[0]).toMatchObject({ n: 3 }); // its benchmarks still count every seed it has
    expect(grpo.cells[2]).toMatchObject({ n: 2 });
    expect([grpo.cells[3], grpo.cells[4]]).toEqual([
      expect.objectContaining({ n: 3 }),
      expect.objectContaining({ n: 3 }),
    ]);
    expect([grpo.cells[5], grpo.cells[6]]).toEqual([null, null]); // deep search and overall would cover fewer
    expect(table.notes).toContain('grpo: no Deep search avg, Overall: mini-webwalker not evaluated for every seed');
  });

  it("a table of runs compares with Compare's baseline: the first run unless another is given", () => {
    const lab = tempLab();
    const id = goldenExperiment(lab);
    const ids = lab.services.runs
      .list({ experimentId: id })
      .map((r) => r.id)
      .sort((a, b) => a - b)
      .slice(0, 3);
    const first = runsTable(lab.services, ids, { metric: 'pass@1' })!;
    expect(first.reference).toBe(`base #${ids[0]}`);
    expect(first.rows[1]!.comparisons[0]).toMatchObject({ items: 20 });
    expect(runsTable(lab.services, ids, { metric: 'pass@1', reference: ids[2] })!.reference).toBe(`grpo #${ids[2]}`);
    expect(() => runsTable(lab.services, ids, { metric: 'pass@1', reference: 999 })).toThrow(/baseline run 999/);
  });

  it('matches the golden files in every format', () => {
    const lab = tempLab();
    const id = goldenExperiment(lab);
    for (const format of EXPORT_FORMATS) {
      const { text, filename } = exportExperiment(
        lab.services,
        { id, format, metric: 'pass@1' },
        '0.1.0',
        new Date('2026-11-25T12:00:00Z'),
      );
      const golden = join(GOLDEN, `export.${EXTENSIONS[format]}`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
      expect(text, format).toBe(readFileSync(golden, 'utf8'));
      expect(filename).toBe(`experiment-${id}-pass@1.${EXTENSIONS[format]}`);
      // Every format names, per row, what differs from the paper defaults.
      expect(text).toContain(
        'aepo: released variant: dynamicRollouts false (paper: true), entropyAdvCoef 0 (paper: 0.2)',
      );
      expect(text).toContain('grpo: groupSize 4 (paper: 8)');
      expect(text).not.toMatch(/clipHigh|base: [a-z]/); // the base row runs no algorithm: no settings
      expect(text).toContain('outside:gpt-x: no Overall: mini-webwalker not evaluated for every seed');
      // Compute per row: AEPO's mean tokens per step over its two seeds (905), seconds per run (2 steps × 3 s).
      expect(text).toMatch(format === 'csv' ? /aepo,tokens_per_step,compute,905,/ : /\b905 & 6 \\|\| 905 \| 6 \|/);
    }
  });

  it('exports through the CLI (to a file) and through serve mode; an experiment without evaluations says so', async () => {
    const dataDir = tempDir();
    const { openLab } = await import('../../../src-main/app/open-lab');
    const lab = openLab({ dataDir, mode: 'cli' });
    const id = goldenExperiment(lab);
    const empty = lab.services.experiments.create({ name: 'nothing yet' });
    lab.close();
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      env: {},
      io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
      rendererDir: '',
      benchDir: '',
      workerDir: '',
      stopSignal: Promise.resolve(),
    };
    const file = join(dataDir, 'table.tex');
    expect(
      await runCli(
        ['--data-dir', dataDir, 'export', String(id), '--format', 'latex', '--metric', 'pass@5', '--out', file],
        env,
      ),
    ).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/\\toprule[\s\S]*\\textbf\{/);
    // The performance profile as SVG: one line and one band per row with per-item verdicts on every benchmark
    // (the outside model lacks one), the same bytes twice.
    const svg = join(dataDir, 'profile.svg');
    const profileArgs = ['--data-dir', dataDir, 'export', String(id), '--format', 'csv', '--profile', svg];
    expect(await runCli(profileArgs, env)).toBe(0);
    const drawn = readFileSync(svg, 'utf8');
    expect(drawn).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(drawn.match(/<polyline /g)).toHaveLength(3);
    expect(drawn.match(/<polygon /g)).toHaveLength(3);
    expect(drawn).toContain('>aepo</text>');
    expect(drawn).not.toContain('outside:gpt-x');
    expect(await runCli(profileArgs, env)).toBe(0);
    expect(readFileSync(svg, 'utf8')).toBe(drawn);
    expect(await runCli([...profileArgs.slice(0, -1), join(dataDir, 'profile.png')], env)).toBe(2);
    expect(await runCli(['--data-dir', dataDir, 'export', String(empty.id)], env)).toBe(1);
    expect(err.at(-1)).toMatch(/has no pass@1 evaluations yet/);
    expect(await runCli(['--data-dir', dataDir, 'export', String(id), '--format', 'pdf'], env)).toBe(2);

    const served = openLab({ dataDir, mode: 'serve' });
    const server = await startServer({ dispatch: served.dispatch, bus: served.bus, rendererDir: tempDir(), port: 0 });
    try {
      const response = await fetch(`${server.origin}/api/experiments.export`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, format: 'csv' }),
      });
      const body = (await response.json()) as { ok: boolean; data: { text: string } };
      expect(body.ok).toBe(true);
      expect(body.data.text.split('\n')[2]).toMatch(
        /^row,column,kind,mean,std,ci_low,ci_high,n_items,n_seeds,samples,/,
      );
    } finally {
      await server.close();
      served.close();
    }
  });
});
