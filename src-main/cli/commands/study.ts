import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyPlan } from '../../experiments/study/paper-claims-plan';
import { callChannel, jsonOption, UsageError, type Command, type CommandContext } from '../command';
import { followExperiment } from '../experiment-progress';
import { experimentId } from './experiment';
import { writeWhole } from '../format';

const minutes = (seconds: number) => `${Math.round(seconds / 60)} min`;

/** The plan in words: what runs, how long here, and the smallest paired difference it can resolve. */
function describePlan(plan: StudyPlan): string[] {
  const { input, estimate } = plan;
  const { detectable } = estimate;
  const lines = [
    `paper-claims study, budget ${plan.budgetMinutes} min${plan.fits ? '' : ' (even the smallest plan is over it)'}:`,
    `  algorithms (${input.algorithms!.length}): ${input.algorithms!.join(', ')}`,
    `  suites (${input.benchmarks!.length}): ${input.benchmarks!.join(', ')}`,
    `  seeds: ${input.seeds!.join(', ')}, each with its own cold start`,
    `  run config over the quick preset: ${JSON.stringify(input.config)}`,
    `  ${estimate.runs} runs, about ${minutes(estimate.seconds)} here (${estimate.basis === 'measured' ? 'step times measured on this machine' : 'typical step times: none measured here yet'})`,
    `  minimum detectable paired difference (80 % power, α = 0.05, ${input.seeds!.length} seeds):`,
    ...detectable.perBenchmark.map(
      (b) =>
        `    ${b.benchmark}: ${b.points === null ? 'none (every earlier run scored every item alike)' : `${b.points.toFixed(1)} points`} (${b.basis} variance${b.runs > 0 ? `, ${b.runs} runs` : ''})`,
    ),
    `    overall average: ${detectable.overall.toFixed(1)} points`,
    '  plans weighed (suites × seeds: runs, estimate):',
    ...plan.considered.map(
      (c) =>
        `    ${c.suites} × ${c.seeds}: ${c.runs} runs, ${Math.round(c.minutes)} min${c.fits ? '' : ' (over budget)'}`,
    ),
  ];
  return lines;
}

export const studyPaperClaims: Command = {
  path: ['study', 'paper-claims'],
  summary:
    "test AEPO's claims (branch concentration, entropy stability, accuracy, diversity): plan, run and report the study",
  options: {
    ...jsonOption,
    budget: {
      type: 'string',
      label: '--budget MINUTES',
      description: 'time it may take here; the largest plan whose estimate fits is chosen (default 90)',
    },
    'dry-run': {
      type: 'boolean',
      label: '--dry-run',
      description: 'print the plan, its estimate and power; run nothing',
    },
  },
  async run(context) {
    const text = context.options.budget;
    const budgetMinutes = text === undefined ? undefined : Number(text);
    if (budgetMinutes !== undefined && !(budgetMinutes > 0))
      throw new UsageError(`--budget takes minutes, a positive number, not "${String(text)}"`);
    const plan = await callChannel(context, 'studies.plan', { study: 'paper-claims', budgetMinutes });
    if (context.options['dry-run']) {
      context.io.out(context.options.json ? JSON.stringify(plan) : describePlan(plan).join('\n'));
      return 0;
    }
    if (!plan.fits)
      throw new UsageError(
        `the smallest study plan needs about ${minutes(plan.estimate.seconds)} here, over the budget of ${plan.budgetMinutes} min`,
      );
    for (const line of describePlan(plan)) context.io.err(line);
    const { id } = await callChannel(context, 'experiments.create', plan.input);
    context.io.err(`experiment ${id}; if interrupted, \`aepo-lab experiment resume ${id}\` continues it`);
    const code = await followExperiment(context, id, 'experiments.start');
    if (code === 0) context.io.err(`report: aepo-lab study report ${id} --out DIR`);
    return code;
  },
};

/** Writes the report and its figures into a folder; answers the Markdown file's path. */
export async function writeStudyReport(context: CommandContext, id: number, folder: string): Promise<string> {
  const report = await callChannel(context, 'studies.report', { id });
  mkdirSync(join(folder, 'figures'), { recursive: true });
  for (const figure of report.figures) {
    writeWhole(join(folder, 'figures', figure.filename), figure.svg);
    writeWhole(join(folder, 'figures', figure.filename.replace(/\.svg$/, '.png')), Buffer.from(figure.png, 'base64'));
  }
  const file = join(folder, 'README.md');
  writeWhole(file, report.markdown);
  return file;
}

export const studyReport: Command = {
  path: ['study', 'report'],
  args: ['EXPERIMENT'],
  summary: "a study's report from what its runs stored: each claim reproduced, not reproduced or inconclusive",
  options: {
    out: {
      type: 'string',
      label: '--out DIR',
      description: 'write README.md and figures/ (SVG and PNG) into DIR instead of printing the Markdown',
    },
  },
  async run(context) {
    const id = experimentId(context, 'report');
    const out = context.options.out;
    if (typeof out === 'string') context.io.out(`wrote ${await writeStudyReport(context, id, out)}`);
    else context.io.out((await callChannel(context, 'studies.report', { id })).markdown);
    return 0;
  },
};
