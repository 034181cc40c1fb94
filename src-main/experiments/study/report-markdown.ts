/**
 * The study report as Markdown: a verdict table, the setup and the command, one section per claim with its numbers,
 * tables and figures, and the method. Numbers are printed with their 95 % intervals and the units behind them.
 */
import type { Services } from '../../services';
import type { Run } from '../../store/records';
import type { ClusteredEstimate } from '../../stats/clustered';
import { detectableDifference } from '../plan/power-estimate';
import { runConfigOf } from '../plan/run-config';
import { exportExperiment } from '../results/export';
import { ACCURACY_DELTA } from './claim-accuracy';
import { SHARE_DELTA } from './claim-branching';
import type { Figure } from './figures';
import type { ClaimSummary, StudyFindings } from './report';
import { describeImprovement, type Improvement } from './verdict';

const interval = (e: ClusteredEstimate, digits = 1, scale = 1) =>
  Number.isFinite(e.mean)
    ? `${(e.mean * scale).toFixed(digits)} [${(e.ci.low * scale).toFixed(digits)}, ${(e.ci.high * scale).toFixed(digits)}]`
    : '–';
const lines = (improvements: Improvement[], unit: string, digits = 1) =>
  improvements.length === 0
    ? ['- no comparison yet: an arm has no finished run, or not every suite and seed has been evaluated']
    : improvements.map((i) => `- ${describeImprovement(i, unit, digits)}`);
const figure = (figures: Figure[], name: string) => {
  const f = figures.find((x) => x.filename === name);
  return f
    ? [
        `![${f.caption}](figures/${f.filename})`,
        '',
        `*${f.caption}* ([PNG](figures/${f.filename.replace(/\.svg$/, '.png')}))`,
        '',
      ]
    : [];
};
const best = (improvements: Improvement[]) =>
  improvements.reduce<Improvement | null>((a, i) => (a === null || i.value < a.value ? i : a), null);

function summaries(f: StudyFindings): ClaimSummary[] {
  const arpo = f.branching.arms.find((a) => a.algorithm === 'arpo');
  const aepo = f.branching.arms.find((a) => a.algorithm === 'aepo');
  const [concentration, consecutive] = [f.branching.concentration[0], f.branching.consecutive[0]];
  const pass1 = f.accuracy.parts[0]!;
  const closest = best(pass1.baselines);
  const count = (xs: Improvement[]) => xs.filter((i) => i.ci.low > 0 && i.pHolm < 0.05).length;
  return [
    {
      id: 'branching',
      title: '1. Branch concentration',
      verdict: f.branching.verdict,
      summary:
        arpo && aepo && concentration && consecutive
          ? `Branches on a tree's top 3 trajectories: ARPO ${interval(arpo.top3)} %, AEPO ${interval(aepo.top3)} %; consecutive branches ARPO ${interval(arpo.consecutive)} %, AEPO ${interval(aepo.consecutive)} %.`
          : 'ARPO or AEPO has no finished run with stored trees.',
    },
    {
      id: 'entropy',
      title: '2. Entropy stability',
      verdict: f.entropy.verdict,
      summary:
        f.entropy.parts
          .map(
            (p) =>
              `${p.label}: AEPO drifts significantly less than ${count(p.improvements)} of ${p.improvements.length} baselines`,
          )
          .join('; ') + '.',
    },
    {
      id: 'accuracy',
      title: '3. Accuracy',
      verdict: f.accuracy.verdict,
      summary: closest
        ? `Pass@1 (average over the suites): AEPO above ${count(pass1.baselines)} of ${pass1.baselines.length} baselines significantly; its smallest margin ${describeImprovement(closest, ' points')}. Ablations: ${f.accuracy.ablations.map((i) => describeImprovement(i, ' points')).join('; ')}.`
        : 'No comparison on the average over every suite and seed yet: some runs have not been evaluated.',
    },
    {
      id: 'diversity',
      title: '4. Diversity',
      verdict: f.diversity.verdict,
      summary: `Distinct final answers per question: AEPO ${interval(f.diversity.arms.find((a) => a.algorithm === 'aepo')!.estimate, 2)}; above ${count(f.diversity.improvements)} of ${f.diversity.improvements.length} baselines significantly.`,
    },
  ];
}

/**
 * A tree with b branches has at least min(100, 300 / b) % of them on its top 3 trajectories, so with few branches per
 * tree the paper's statistic is near 100 % by construction: the report says how many there were.
 */
function branchesPerTree(branching: StudyFindings['branching']): string {
  const arms = branching.arms.filter((a) => a.branchedTrees > 0);
  if (arms.length === 0) return 'No tree has branches yet.';
  const perTree = arms.map((a) => `${a.algorithm} ${(a.branches / a.branchedTrees).toFixed(1)}`).join(', ');
  const most = Math.max(...arms.map((a) => a.branches / a.branchedTrees));
  const floor = `A tree with b branches has at least min(100, 300 / b) % of them on its top 3 trajectories`;
  return most >= 6
    ? `Branches per tree with branches: ${perTree}. ${floor}.`
    : `Branches per tree with branches: ${perTree}. ${floor}, so with this few the top-3 share is near 100 % by construction; the top-trajectory share and the histogram below show more of where branches land. The verdict stays on the paper's statistic, the top-3 share, as planned.`;
}

/** The runs that did not finish: named when few, counted by status when many (a study still running). */
function unfinishedText(runs: Run[]): string {
  if (runs.length === 0) return '';
  if (runs.length <= 10)
    return `; not finished: ${runs.map((r) => `${r.algorithm} ${r.benchmark} seed ${r.seed} (${r.status})`).join(', ')}`;
  const byStatus = new Map<string, number>();
  for (const r of runs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  return `; not finished: ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

function setup(services: Services, f: StudyFindings, appVersion: string): string[] {
  const { runs } = f;
  const finished = runs.all.filter((r) => r.status === 'completed');
  const unfinished = runs.all.filter((r) => r.status !== 'completed');
  const config = finished.map((r) => runConfigOf(r)).find((c) => c !== null);
  const starts = runs.all.flatMap((r) => (r.startedAt ? [r.startedAt] : []));
  const ends = runs.all.flatMap((r) => (r.finishedAt ? [r.finishedAt] : []));
  const minutes = starts.length && ends.length ? (Math.max(...ends) - Math.min(...starts)) / 60_000 : NaN;
  const out = [
    '## Setup',
    '',
    `- **Experiment** ${f.experimentId}, "${f.name}"${appVersion ? `, AEPO Lab ${appVersion}` : ''}.`,
    `- **Command**: ${f.description || '`aepo-lab study paper-claims` (the budget it was given was not recorded; the suites and seeds below are the plan it chose)'}; this report: \`aepo-lab study report ${f.experimentId} --out DIR\`.`,
    `- **Algorithms** (${runs.algorithms.length}): ${runs.algorithms.join(', ')}.`,
    `- **Suites**: ${runs.benchmarks.join(', ')}; **seeds** ${runs.seeds.join(', ')}.`,
    `- **Runs**: ${finished.length} of ${runs.all.length} finished (base rows included)${unfinishedText(unfinished)}. Wall time from the first run's start to the last finish (the cold starts before it not included): ${Number.isFinite(minutes) ? `${minutes.toFixed(0)} min` : 'unknown'}.`,
  ];
  if (config) {
    out.push(
      `- **Model**: \`${config.model.size}\`, context ${config.model.contextLength} tokens; cold start ${config.coldStart.steps} steps ${config.coldStart.perSeed ? 'per seed (each seed its own base checkpoint)' : 'shared by the seeds'} on the demonstrations of ${config.coldStart.suites.length > 0 ? config.coldStart.suites.join(', ') : 'the study suites'}.`,
      `- **RL**: ${config.training.steps} steps × ${config.training.questionsPerStep} questions, up to ${config.rollout.maxResponseTokens} response tokens and ${config.rollout.toolCallLimit} tool calls a trajectory, temperature ${config.rollout.temperature}; each algorithm's own settings (docs/algorithms.md), setting variant ${config.algorithmSettings.variant ?? 'paper'} unless the table's footnote says otherwise.`,
      `- **Evaluation**: ${config.evaluation.items} test items × ${config.evaluation.samples} samples per suite at temperature ${config.evaluation.temperature}; Pass@1 is the mean score, Pass@${config.evaluation.k} the unbiased estimate.`,
    );
    const power = detectableDifference(services, runs.benchmarks, {
      items: config.evaluation.items,
      samples: config.evaluation.samples,
      seeds: runs.seeds.length,
    });
    out.push(
      `- **Power**: with the variance of the latest runs evaluated on each suite in this data folder (this study's among them), the minimum detectable paired Pass@1 difference (80 % power, α = 0.05) is ${power.perBenchmark.map((b) => `${b.benchmark} ${b.points === null ? '–' : b.points.toFixed(1)}`).join(', ')} points, ${power.overall.toFixed(1)} on the average (docs/statistics.md).`,
    );
  }
  return [...out, ''];
}

export function reportMarkdown(
  services: Services,
  f: StudyFindings,
  figures: Figure[],
  appVersion: string,
): { markdown: string; claims: ClaimSummary[] } {
  const claims = summaries(f);
  const { branching, entropy, accuracy, diversity } = f;
  const exported = (metric: string) => {
    try {
      return exportExperiment(services, { id: f.experimentId, format: 'md', metric, reference: 'aepo' }, appVersion)
        .text;
    } catch {
      return `No ${metric} evaluations yet.\n`;
    }
  };
  const md = [
    `# The paper's claims, tested on a laptop: experiment ${f.experimentId}`,
    '',
    'Dong et al., *Agentic Entropy-Balanced Policy Optimization* (arXiv 2510.14545), tested at laptop scale. Each claim gets its statistic with a 95 % interval and one of three verdicts: **reproduced**, **not reproduced**, or **inconclusive at this power** (see Method). A claim that does not reproduce at this scale is a finding about this scale.',
    '',
    '| claim | verdict | the numbers |',
    '| --- | --- | --- |',
    ...claims.map((c) => `| ${c.title} | **${c.verdict}** | ${c.summary.replace(/\|/g, '\\|')} |`),
    '',
    ...setup(services, f, appVersion),
    '## 1. Branch concentration',
    '',
    "The paper: 93.4 % of ARPO's branching lands on 1–3 trajectories of a question, and consecutive high-entropy tool steps branch again (56.5 % of ARPO's branch events); AEPO lowers both. Each rollout tree the tree-rollout runs stored (every step, every suite) is one unit; shares are per tree with branches, in %.",
    '',
    '| algorithm | trees | trees with branches | branches | on the top trajectory | on the top 3 | consecutive |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...branching.arms.map(
      (a) =>
        `| ${a.algorithm} | ${a.trees} | ${a.branchedTrees} | ${a.branches} | ${interval(a.top1)} | ${interval(a.top3)} | ${interval(a.consecutive)} |`,
    ),
    '',
    branchesPerTree(branching),
    '',
    `ARPO's share minus the AEPO arm's (positive: the AEPO arm concentrates less), δ = ${SHARE_DELTA} points. Concentration (top 3): **${branching.parts.concentration}**`,
    ...lines(branching.concentration, ' points'),
    '',
    `Consecutive branching: **${branching.parts.consecutive}**`,
    ...lines(branching.consecutive, ' points'),
    '',
    ...figure(figures, 'branch-concentration.svg'),
    ...figure(figures, 'consecutive-branch.svg'),
    '## 2. Entropy stability',
    '',
    "The paper: AEPO keeps policy entropy, and the entropy right after tool results, from collapsing or exploding where the baselines drift. A run's drift is the absolute least-squares slope of the metric over its RL steps, in millinats per token per step; each baseline's drift minus AEPO's (positive: AEPO drifts less), Holm over the seven, δ = 0.",
    '',
    `| algorithm | ${entropy.parts.map((p) => `${p.label}: slope | drift`).join(' | ')} |`,
    `| --- | ${entropy.parts.map(() => '--- | ---').join(' | ')} |`,
    ...f.runs.algorithms.map(
      (a) =>
        `| ${a} | ${entropy.parts
          .map((p) => {
            const s = p.slopes.find((x) => x.algorithm === a)!;
            return `${interval(s.slope, 2, 1000)} | ${interval(s.drift, 2, 1000)}`;
          })
          .join(' | ')} |`,
    ),
    '',
    ...entropy.parts.flatMap((p) => [
      `${p.label}: **${p.verdict}**`,
      ...lines(
        p.improvements.map((i) => ({
          ...i,
          value: i.value * 1000,
          ci: { low: i.ci.low * 1000, high: i.ci.high * 1000 },
        })),
        ' mnats/step',
        2,
      ),
      '',
    ]),
    ...figure(figures, 'entropy.svg'),
    ...figure(figures, 'learning-curves.svg'),
    '## 3. Accuracy',
    '',
    `The paper: AEPO raises Pass@1 and Pass@5 over the seven baselines, and each of its parts contributes. AEPO minus each baseline on the average over the suites, paired over items and seeds, Holm over the seven; δ = ${ACCURACY_DELTA} point.`,
    '',
    ...accuracy.parts.flatMap((p) => [`${p.metric}: **${p.verdict}**`, ...lines(p.baselines, ' points'), '']),
    `Ablations (Pass@1; AEPO minus the ablation: positive means the part the ablation lacks helps): **${accuracy.ablationVerdict}**`,
    ...lines(accuracy.ablations, ' points'),
    '',
    '### Results table, Pass@1',
    '',
    exported('pass@1'),
    '### Results table, Pass@5',
    '',
    exported('pass@5'),
    ...figure(figures, 'results.svg'),
    ...figure(figures, 'profile.svg'),
    '## 4. Diversity',
    '',
    "The paper: AEPO raises rollout diversity. A run's value is its mean over steps of the distinct final answers among a question's training trajectories; AEPO minus each baseline, Holm over the seven, δ = 0.",
    '',
    '| algorithm | distinct answers per question |',
    '| --- | --- |',
    ...diversity.arms.map((a) => `| ${a.algorithm} | ${interval(a.estimate, 2)} |`),
    '',
    `**${diversity.verdict}**`,
    ...lines(diversity.improvements, '', 2),
    '',
    '## Method',
    '',
    `- **Intervals**: 95 % percentile bootstrap, ${f.resamples} resamples, seed 0. Per-tree and per-run estimates draw seeds, then units (trees, runs) within each drawn seed. Per-run comparisons (entropy drift, diversity) pair the two algorithms' runs on the same suite and seed, which share a base checkpoint and question order, and resample the differences (seeds, then pairs); per-tree comparisons (branching) share the draw of seeds and draw each arm's trees apart. Pass@k intervals and tests are the results table's: seeds and items, paired (docs/statistics.md).`,
    "- **p-values**: for per-tree and per-run statistics, twice the smaller share of bootstrap differences on either side of 0; for Pass@k, the sign-flip test over items (each item's mean over seeds), which leaves out the seed-to-seed spread that the interval includes: an interval can reach 0 while p is small, and a verdict needs both. Holm runs over each claim part's comparisons.",
    "- **Verdicts**: *reproduced* when every comparison of the claim is an improvement in the claimed direction with its interval above 0 and Holm p < 0.05; *not reproduced* when some comparison's interval lies below δ, the smallest improvement that counts (a gain of δ or more is ruled out, or the change goes the other way); *inconclusive at this power* otherwise. A claim of several parts is reproduced when all parts are and not reproduced when any part is not.",
    "- **Scale**: a transformer of a few hundred thousand weights on generated mini suites (docs/study/calibration.md), minutes of RL per run. Mechanism claims (where branches land, entropy) can be tested at this scale; absolute accuracies cannot be compared with the paper's.",
    '',
  ].join('\n');
  return { markdown: md, claims };
}
