/**
 * One RL training step (docs/algorithms.md): roll out every question with the algorithm's strategy, score the
 * trajectories, then update the policy (update.ts: advantages over the whole batch, `ppoEpochs` passes of
 * `updatesPerBatch` mini-batches of whole question groups).
 * Returns the step's metrics under stable names and the rollout trees for the viewer.
 */
import { SamplingSession } from '../model/session';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import type { AdamW } from '../model/optimizer';
import type { Rng } from '../model/rng';
import type { ToolSet } from '../tools/types';
import { hierarchicalReward, type RewardResult } from './rewards';
import { runRollouts, type RolloutOptions } from './rollout/engine';
import { ROLLOUT_STRATEGIES } from './rollout/strategies';
import type { RolloutQuestion, RolloutTree, Trajectory } from './rollout/types';
import { updatePolicy, type UpdateSample, type UpdateStats } from './update';
import { treeMetrics } from './tree-metrics';
import type { AlgorithmPreset, AlgorithmSettings } from './types';

export interface RlStepContext {
  model: Transformer;
  optimizer: AdamW;
  tokenizer: Tokenizer;
  tools: ToolSet;
  preset: AlgorithmPreset;
  settings: AlgorithmSettings;
  rollout: RolloutOptions;
  rng: Rng;
  reward?: (response: string, answers: string[]) => RewardResult;
  /** The frozen reference policy (the run's starting weights); needed when klCoef > 0. */
  reference?: Transformer;
  /** Where one-line warnings go (default: stderr). */
  warn?: (line: string) => void;
}

const warnedRuns = new WeakSet<AdamW>();

/** With one optimiser update the ratio is 1 and every clipped objective is GRPO's: say so, once per run. */
function warnSingleUpdate(ctx: RlStepContext): void {
  if (warnedRuns.has(ctx.optimizer)) return;
  warnedRuns.add(ctx.optimizer);
  (ctx.warn ?? ((line) => process.stderr.write(`${line}\n`)))(
    `warning: this step made a single optimiser update, so the ratio is 1 and ${ctx.preset.label}'s clipped objective equals GRPO's; raise updatesPerBatch or ppoEpochs (or use more questions per step)`,
  );
}

export interface RlStepResult {
  metrics: Record<string, number>;
  trees: RolloutTree[];
  /** rewards[tree][trajectory], after any shaping. */
  rewards: number[][];
}

type Sample = UpdateSample;

/** DAPO's overlong shaping: 0 up to maxLength − buffer, then down linearly to −penalty at maxLength. */
function overlongPenalty(length: number, settings: AlgorithmSettings): number {
  const shaping = settings.overlongShaping;
  if (!shaping) return 0;
  const start = shaping.maxLength - shaping.buffer;
  if (length <= start) return 0;
  return -shaping.penalty * Math.min(1, (length - start) / shaping.buffer);
}

export async function rlStep(ctx: RlStepContext, questions: RolloutQuestion[]): Promise<RlStepResult> {
  const { model, tokenizer, settings, preset } = ctx;
  const trees = await runRollouts(
    {
      openSession: (n) => new SamplingSession(model, n),
      tokenizer,
      tools: ctx.tools,
      strategy: ROLLOUT_STRATEGIES[preset.rollout],
      settings,
      options: ctx.rollout,
      random: () => ctx.rng.next(),
      contextLength: model.config.contextLength,
    },
    questions,
  );
  const reward = ctx.reward ?? hierarchicalReward;
  let samples: Sample[] = trees.flatMap((tree, group) =>
    tree.trajectories.map((trajectory) => {
      const result = reward(tokenizer.decode(trajectory.tokens), tree.question.answers);
      const shaped = result.reward + overlongPenalty(trajectory.tokens.length, settings);
      return { tree, trajectory, group, reward: { ...result, reward: shaped } };
    }),
  );
  const all = samples;
  if (settings.dynamicSampling) {
    // DAPO: a group whose rewards are all equal has zero advantage everywhere and only dilutes the batch.
    samples = samples.filter((s) => new Set(all.filter((o) => o.group === s.group).map((o) => o.reward.reward)).size > 1);
  }

  const update: UpdateStats =
    samples.length > 0
      ? updatePolicy({ model, optimizer: ctx.optimizer, preset, settings, temperature: ctx.rollout.temperature, reference: ctx.reference }, samples)
      : { clipUpper: 0, clipLower: 0, kl: 0, klK1: 0, refKl: 0, gradNorm: 0, loss: 0, updates: 0 };
  if (update.updates === 1) warnSingleUpdate(ctx);
  const lossTokens = all.flatMap((s) => s.trajectory.entropy.filter((_, i) => s.trajectory.mask[i]));
  const afterTool = all.flatMap((s) => entropyAfterTools(s.trajectory, ctx.rollout.entropyTokens));
  const rewards = all.map((s) => s.reward.reward);
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rewardMean = meanOf(rewards);
  const diagnostics = treeMetrics(trees, (tree, i) => {
    const match = all.find((s) => s.tree === tree && s.trajectory.id === i);
    return match?.reward.prediction ?? null;
  });
  return {
    trees,
    rewards: trees.map((tree) => tree.trajectories.map((t) => all.find((s) => s.trajectory === t)!.reward.reward)),
    metrics: {
      'reward/mean': rewardMean,
      'reward/std': Math.sqrt(meanOf(rewards.map((r) => (r - rewardMean) ** 2))),
      'reward/format_valid': meanOf(all.map((s) => (s.reward.formatValid ? 1 : 0))),
      'accuracy/mean': meanOf(all.map((s) => (s.reward.f1 >= 1 ? 1 : 0))),
      'actor/entropy': meanOf(lossTokens),
      'actor/entropy_after_tool': meanOf(afterTool),
      'actor/pg_loss': update.loss,
      'actor/pg_clipfrac_upper': update.clipUpper,
      'actor/pg_clipfrac_lower': update.clipLower,
      'actor/ppo_kl': update.klK1,
      'actor/ppo_kl_k3': update.kl,
      'actor/ref_kl': update.refKl,
      'actor/grad_norm': update.gradNorm,
      'actor/updates': update.updates,
      'response_length/mean': meanOf(all.map((s) => s.trajectory.tokens.length)),
      'tool_calls/mean': meanOf(all.map((s) => s.trajectory.toolCalls)),
      'rollout/global_samples': diagnostics.globalSamples,
      'rollout/branches_per_question': diagnostics.branchesPerQuestion,
      'rollout/branch_concentration': diagnostics.branchConcentration,
      'rollout/consecutive_branch_share': diagnostics.consecutiveBranchShare,
      'rollout/distinct_answers': diagnostics.distinctAnswers,
      'rollout/kept_groups': new Set(samples.map((s) => s.group)).size,
    },
  };
}

/** Entropies of the first J model-written tokens after each tool result. */
function entropyAfterTools(t: Trajectory, firstTokens: number): number[] {
  return t.segments.slice(1).flatMap((s) => t.entropy.slice(s.start, Math.min(s.end, s.start + firstTokens)));
}
