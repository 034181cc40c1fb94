/**
 * Learning curves of an experiment's runs, one line per suite with its band over seeds (the study's bootstrap,
 * stats/clustered.ts), as SVG and PNG: what docs/study/calibration.md shows for GRPO on the candidate suites. Reads
 * a data folder; computes nothing new. Run:
 * `npm run bench:learning-curves -- DATA_DIR EXPERIMENT_ID [METRIC=reward/mean] [OUT=learning-curves.svg]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLab } from '../src-main/app/open-lab';
import { metricCurves, pushTo } from '../src-main/experiments/study/study-data';
import { svgToPng } from '../src-main/experiments/study/png';
import { ALGORITHM_COLOURS, bandChart } from '../src-main/experiments/study/svg-chart';
import { migrationsFromFolder } from '../src-main/store/migrations';
import type { Run } from '../src-main/store/records';

const PALETTE = Object.values(ALGORITHM_COLOURS).filter((c) => c !== ALGORITHM_COLOURS.base);
const [dataDir, experiment, metric = 'reward/mean', out = 'learning-curves.svg'] = process.argv.slice(2);
if (!dataDir || !experiment) throw new Error('usage: learning-curves.ts DATA_DIR EXPERIMENT_ID [METRIC] [OUT.svg]');
const lab = openLab({
  dataDir,
  mode: 'cli',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
const runs = lab.services.runs
  .list({ experimentId: Number(experiment) })
  .filter((r) => r.algorithm !== 'base' && r.status === 'completed');
const bySuite = new Map<string, Run[]>();
for (const run of runs) pushTo(bySuite, run.benchmark, run);
const curves = metricCurves(lab.services, bySuite, metric, { seed: 0, resamples: 2000 });
const algorithms = [...new Set(runs.map((r) => r.algorithm))].join(', ');
const seeds = [...new Set(runs.map((r) => r.seed))].length;
const svg = bandChart({
  title: `${algorithms}: ${metric} per RL step, by suite (${seeds} seeds)`,
  xLabel: 'RL step',
  panels: [
    {
      title: metric,
      yLabel: metric,
      lines: curves.map((c, i) => ({
        label: c.label,
        colour: PALETTE[i % PALETTE.length]!,
        points: c.points.map((p) => ({ x: p.step, y: p.mean, low: p.low, high: p.high })),
      })),
    },
  ],
  footer: `Experiment ${experiment}: mean over seeds; bands: 95 % bootstrap over seeds (2000 resamples).`,
});
writeFileSync(out, svg);
writeFileSync(out.replace(/\.svg$/, '.png'), await svgToPng(svg));
lab.close();
console.log(JSON.stringify({ out, suites: curves.map((c) => ({ suite: c.label, steps: c.points.length })) }));
