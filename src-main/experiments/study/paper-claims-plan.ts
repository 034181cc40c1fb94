/**
 * The plan of the paper-claims study (docs/study/README.md): every algorithm and both AEPO ablations, on the mini
 * suites calibrated to discriminate (docs/study/calibration.md), at least 3 seeds with a cold start each. Under a
 * time budget it takes the largest plan whose estimate fits: first more suites, in the order below, then more seeds.
 */
import type { z } from 'zod';
import { ALGORITHM_IDS } from '../../rl/types';
import type { Services } from '../../services';
import { estimateExperiment, type Estimate } from '../plan/estimate';
import { varianceReader } from '../plan/power-estimate';
import { experimentPlanInput, type StudyId } from '../plan/plan';
import type { RunConfigDiff } from '../plan/config-diff';
import { LabError } from '../../core/errors';

/**
 * The calibrated suites, most needed first (docs/study/calibration.md): deep search (≥ 2 tool calls a trajectory,
 * where branching at tool calls matters), then math and knowledge, then the rest. With the five-suite cold start per
 * seed, mini-math500 stays inside 20–70 % on every seed and GRPO moves it, while mini-gsm8k's base falls to 4 % on
 * some seeds: math500 is the math suite of a three-suite plan, gsm8k comes last.
 */
export const STUDY_SUITES = ['mini-webwalker', 'mini-math500', 'mini-hotpotqa', 'mini-musique', 'mini-gsm8k'] as const;
export const STUDY_SEEDS = { fewest: 3, most: 5 } as const;
/** Used when no budget is given: the "about 90 minutes" on a 2-core laptop. */
export const DEFAULT_BUDGET_MINUTES = 90;

/**
 * The run config of every study run, over the `quick` preset: the `small` model with a 3,000-step cold start per
 * seed (longer overfits, calibration.md) on the demonstrations of all five calibrated suites, whichever of them the
 * plan trains on (base scores shift with the cold start's suites: calibration.md, "The cold start's suites"), 16 RL
 * steps of 6 questions, and 200 test items × 5 samples, which brings the minimum detectable paired difference to
 * ≤ 3 points at 3 seeds on every calibrated suite.
 */
export const STUDY_CONFIG: RunConfigDiff = {
  model: { size: 'small' },
  coldStart: { steps: 3000, perSeed: true, suites: [...STUDY_SUITES] },
  training: { steps: 16, questionsPerStep: 6 },
  evaluation: { items: 200, samples: 5, k: 5 },
};

export interface StudyCandidate {
  suites: number;
  seeds: number;
  runs: number;
  minutes: number;
  fits: boolean;
}

export interface StudyPlan {
  study: StudyId;
  /** What `experiments.create` takes to make it. */
  input: z.output<typeof experimentPlanInput>;
  estimate: Estimate;
  budgetMinutes: number;
  /** False when even the smallest plan (one suite, 3 seeds) is over the budget: `input` is then that one. */
  fits: boolean;
  /** Every plan weighed, smallest first, with its estimate. */
  considered: StudyCandidate[];
}

function studyInput(suites: number, seeds: number, budgetMinutes: number): z.output<typeof experimentPlanInput> {
  const benchmarks = STUDY_SUITES.slice(0, suites);
  return experimentPlanInput.parse({
    name: `paper-claims study: ${ALGORITHM_IDS.length} algorithms on ${benchmarks.join(', ')}, ${seeds} seeds`,
    // The report prints it as the command that made the study.
    description: `\`aepo-lab study paper-claims --budget ${budgetMinutes}\``,
    preset: 'quick',
    study: 'paper-claims',
    algorithms: [...ALGORITHM_IDS],
    benchmarks,
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    config: STUDY_CONFIG,
  });
}

export function planPaperClaims(services: Services, budgetMinutes = DEFAULT_BUDGET_MINUTES): StudyPlan {
  if (!(budgetMinutes > 0))
    throw new LabError('invalid_input', `the budget must be positive minutes, not ${budgetMinutes}`);
  // Every plan weighed reads the same suites' variance: once each.
  const variances = varianceReader(services);
  const considered: (StudyCandidate & { input: z.output<typeof experimentPlanInput>; estimate: Estimate })[] = [];
  for (let suites = 1; suites <= STUDY_SUITES.length; suites++)
    for (let seeds = STUDY_SEEDS.fewest; seeds <= STUDY_SEEDS.most; seeds++) {
      const input = studyInput(suites, seeds, budgetMinutes);
      const estimate = estimateExperiment(services, input, variances);
      const minutes = estimate.seconds / 60;
      considered.push({ suites, seeds, runs: estimate.runs, minutes, fits: minutes <= budgetMinutes, input, estimate });
    }
  // Smallest first: a suite more outweighs any number of seeds more (each suite is a family the claims are tested on).
  considered.sort((a, b) => a.suites - b.suites || a.seeds - b.seeds);
  const fitting = considered.filter((c) => c.fits);
  const chosen = fitting.length > 0 ? fitting[fitting.length - 1]! : considered[0]!;
  return {
    study: 'paper-claims',
    input: chosen.input,
    estimate: chosen.estimate,
    budgetMinutes,
    fits: fitting.length > 0,
    considered: considered.map(({ suites, seeds, runs, minutes, fits }) => ({ suites, seeds, runs, minutes, fits })),
  };
}
