/**
 * Evaluating a policy on a benchmark's test items: n independent samples per item at the evaluation temperature,
 * each scored with the benchmark's metric. Pass@1 is the mean score over all samples (for F1 benchmarks the mean F1);
 * Pass@k is the unbiased expected best score among k samples, on the same scale: the AEPO paper's pass@k on exact-match
 * benchmarks, the expected best-of-k F1 on F1 benchmarks, so Pass@k is never below Pass@1 (docs/grading.md).
 */
import { itemVerdict, type ItemVerdict } from '../../benchmarks/score';
import type { BenchmarkInfo } from '../../benchmarks/registry';
import { expectedBestOfK } from '../../benchmarks/metrics';
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import { tfjsEngine, type TrainingEngine } from '../../model/engine';
import type { Rng } from '../../model/rng';
import { BASE_SETTINGS } from '../../rl/defaults';
import { hierarchicalReward } from '../../rl/rewards';
import { runRollouts } from '../../rl/rollout/engine';
import { ROLLOUT_STRATEGIES } from '../../rl/rollout/strategies';
import type { RolloutQuestion } from '../../rl/rollout/types';
import type { ToolSet } from '../../tools/types';
import type { RunConfig } from '../plan/run-config';

export interface EvaluationResult {
  /** Percent. */
  pass1: number;
  /** Percent, the unbiased expected best-of-k score with k = config.evaluation.k (Pass@k on Pass@1's scale). */
  passK: number;
  k: number;
  /** Items evaluated. */
  n: number;
  /** Every sample's verdict: item index (its place in the test split), sample number, what it answered and why. */
  items: (ItemVerdict & { sample: number })[];
}

/** Stored responses are cut here: enough to audit an answer, small enough for thousands of rows. */
const MAX_STORED_RESPONSE = 2000;

/** Questions evaluated together: the sampler's batch is questions × samples sequences. */
const QUESTIONS_PER_BATCH = 8;

export async function evaluatePolicy(
  policy: { model: Transformer; tokenizer: Tokenizer },
  info: BenchmarkInfo,
  items: RolloutQuestion[],
  tools: ToolSet,
  config: RunConfig,
  rng: Rng,
  /** Whose decoder samples (model/engine.ts); default the tfjs reference. */
  engine: TrainingEngine = tfjsEngine,
): Promise<EvaluationResult> {
  const { samples, temperature, k } = config.evaluation;
  let scoreSum = 0;
  let passSum = 0;
  const verdicts: EvaluationResult['items'] = [];
  for (let start = 0; start < items.length; start += QUESTIONS_PER_BATCH) {
    const batch = items.slice(start, start + QUESTIONS_PER_BATCH);
    const trees = await runRollouts(
      {
        openSession: (n) => engine.openSession(policy.model, n),
        tokenizer: policy.tokenizer,
        tools,
        strategy: ROLLOUT_STRATEGIES.independent,
        settings: { ...BASE_SETTINGS, groupSize: samples },
        options: { ...config.rollout, temperature },
        random: () => rng.next(),
        contextLength: policy.model.config.contextLength,
      },
      batch,
    );
    trees.forEach((tree) => {
      const index = Number(tree.question.id.split('/').at(-1));
      const scores = tree.trajectories.map((t, sample) => {
        const response = policy.tokenizer.decode(t.tokens);
        const { prediction } = hierarchicalReward(response, tree.question.answers);
        const verdict: ItemVerdict =
          prediction === null
            ? {
                index,
                prediction: null,
                extracted: null,
                gold: tree.question.answers,
                score: 0,
                verdict: 'wrong',
                reason: 'no answer in the expected format',
              }
            : itemVerdict(info, index, prediction, tree.question.answers);
        verdicts.push({ ...verdict, prediction: response.slice(0, MAX_STORED_RESPONSE), sample });
        return verdict.score;
      });
      scoreSum += scores.reduce((a, b) => a + b, 0) / scores.length;
      passSum += expectedBestOfK(scores, k);
    });
  }
  const n = items.length;
  return { pass1: n === 0 ? 0 : (100 * scoreSum) / n, passK: n === 0 ? 0 : (100 * passSum) / n, k, n, items: verdicts };
}
