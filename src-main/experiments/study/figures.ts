/**
 * The report's figures, each an SVG with a PNG copy: where branches land, how often branching is consecutive,
 * entropy over training with seed bands, the results with intervals, and the performance profile.
 */
import { profileSvg } from '../results/profile-svg';
import type { AccuracyClaim } from './claim-accuracy';
import { SOURCE_BINS, type BranchingClaim } from './claim-branching';
import type { EntropyClaim } from './claim-entropy';
import type { MetricCurve } from './study-data';
import { svgToPng } from './png';
import { bandChart, colourOf, groupedChart } from './svg-chart';

export interface Figure {
  filename: string;
  /** What it shows, for the report's alt text and captions. */
  caption: string;
  svg: string;
  /** The PNG copy, base64. */
  png: string;
}

export interface FigureInput {
  experimentId: number;
  algorithms: string[];
  branching: BranchingClaim;
  entropy: EntropyClaim;
  accuracy: AccuracyClaim;
  learning: MetricCurve[];
  resamples: number;
}

function branchingFigures({ branching, resamples }: FigureInput): Omit<Figure, 'png'>[] {
  const arms = branching.arms;
  const trees = arms.map((a) => `${a.algorithm} ${a.branchedTrees}`).join(', ');
  return [
    {
      filename: 'branch-concentration.svg',
      caption: 'Branched rollout trees by the number of trajectories their branches came from',
      svg: groupedChart({
        title: 'Where branches land: trajectories a tree’s branches came from',
        categories: SOURCE_BINS.map((b) => `${b} trajector${b === '1' ? 'y' : 'ies'}`),
        series: arms.map((a) => ({ label: a.algorithm, colour: colourOf(a.algorithm), values: a.sources })),
        yLabel: 'share of branched trees (%)',
        kind: 'bars',
        footer: `Every tree the runs stored, all steps and suites. Branched trees: ${trees}.`,
      }),
    },
    {
      filename: 'consecutive-branch.svg',
      caption: 'Top-3 concentration and consecutive-branch share per tree, with 95 % intervals',
      svg: groupedChart({
        title: 'Share of a tree’s branches: on its top 3 and top 1 trajectories, and consecutive',
        categories: ['on the top 3', 'on the top 1', 'consecutive'],
        series: arms.map((a) => {
          const parts = [a.top3, a.top1, a.consecutive];
          return {
            label: a.algorithm,
            colour: colourOf(a.algorithm),
            values: parts.map((p) => p.mean),
            low: parts.map((p) => p.ci.low),
            high: parts.map((p) => p.ci.high),
          };
        }),
        yLabel: 'share of a tree’s branches (%)',
        kind: 'bars',
        footer: `Whiskers: 95 % bootstrap over seeds and trees (${resamples} resamples).`,
      }),
    },
  ];
}

const linesOf = (curves: MetricCurve[]) =>
  curves
    .filter((c) => c.points.length > 0)
    .map((c) => ({
      label: c.label,
      colour: colourOf(c.label),
      points: c.points.map((p) => ({ x: p.step, y: p.mean, low: p.low, high: p.high })),
    }));
const bandsFooter = (resamples: number) =>
  `Mean over seeds of each seed's mean over suites; bands: 95 % bootstrap over seeds and runs (${resamples} resamples).`;

function curveFigures({ entropy, learning, resamples }: FigureInput): Omit<Figure, 'png'>[] {
  return [
    {
      filename: 'entropy.svg',
      caption: 'Policy entropy and entropy after tool results over training, mean with 95 % bands',
      svg: bandChart({
        title: 'Entropy over RL steps (nats per token)',
        xLabel: 'RL step',
        panels: entropy.parts.map((part) => ({
          title: part.label,
          yLabel: 'nats per token',
          lines: linesOf(part.curves),
        })),
        footer: bandsFooter(resamples),
      }),
    },
    {
      filename: 'learning-curves.svg',
      caption: 'Mean training reward per RL step, with 95 % bands',
      svg: bandChart({
        title: 'Learning curves: mean reward of a step’s trajectories',
        xLabel: 'RL step',
        panels: [{ title: 'reward/mean', yLabel: 'reward', lines: linesOf(learning) }],
        footer: bandsFooter(resamples),
      }),
    },
  ];
}

function resultsFigure({ accuracy, algorithms }: FigureInput): Omit<Figure, 'png'> | null {
  const tables = accuracy.parts.filter((p) => p.table);
  if (tables.length === 0) return null;
  const labels = tables[0]!.table!.rows.map((r) => r.label);
  const overall = (p: (typeof tables)[number]) => p.table!.columns.findIndex((c) => c.kind === 'overall');
  const cellOf = (p: (typeof tables)[number], label: string) =>
    p.table!.rows.find((r) => r.label === label)?.cells[overall(p)] ?? null;
  return {
    filename: 'results.svg',
    caption: 'Pass@1 and Pass@5 on the average over the study suites, with 95 % intervals',
    svg: groupedChart({
      title: 'Results: the average over the study suites, per algorithm',
      categories: labels,
      series: tables.map((p, i) => ({
        label: p.metric,
        colour: i === 0 ? '#0072B2' : '#D55E00',
        values: labels.map((l) => cellOf(p, l)?.mean ?? NaN),
        low: labels.map((l) => cellOf(p, l)?.ci?.low ?? NaN),
        high: labels.map((l) => cellOf(p, l)?.ci?.high ?? NaN),
      })),
      yLabel: 'score (%)',
      kind: 'dots',
      digits: 0,
      footer: `Whiskers: 95 % two-level bootstrap over seeds and items, as in the results table (${algorithms.length} algorithms and the base checkpoint).`,
    }),
  };
}

export async function studyFigures(input: FigureInput): Promise<Figure[]> {
  const table = input.accuracy.parts[0]?.table;
  const figures = [
    ...branchingFigures(input),
    ...curveFigures(input),
    resultsFigure(input),
    table
      ? {
          filename: 'profile.svg',
          caption: 'Performance profile of Pass@1: share of run × suite scores above each threshold',
          svg: profileSvg(table, `Performance profile: experiment ${input.experimentId}, pass@1`),
        }
      : null,
  ].filter((f) => f !== null);
  return Promise.all(
    figures.map(async (figure) => ({ ...figure, png: (await svgToPng(figure.svg)).toString('base64') })),
  );
}
