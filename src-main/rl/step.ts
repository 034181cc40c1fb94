/**
 * One RL training step (spec §4): roll out every question with the algorithm's strategy, score the trajectories,
 * compute advantages, and take `updatesPerBatch` optimiser steps over mini-batches of whole question groups.
 * Returns the step's metrics under stable names and the rollout trees for the viewer.
 */
import { SamplingSession } from '../model/session';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import { type AdamW, policyStep } from '../model/optimizer';
import { scoreTokens } from '../model/scoring';
import type { Rng } from '../model/rng';
import type { ToolSet } from '../tools/types';
import * as tf from '@tensorflow/tfjs';
import { ADVANTAGE_ESTIMATORS, POLICY_LOSSES } from './algorithms/registry';
import { hierarchicalReward, type RewardResult } from './rewards';
import { runRollouts, type RolloutOptions } from './rollout/engine';
import { ROLLOUT_STRATEGIES } from './rollout/strategies';
import type { RolloutQuestion, RolloutTree, Trajectory } from './rollout/types';
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
}

export interface RlStepResult {
  metrics: Record<string, number>;
  trees: RolloutTree[];
  /** rewards[tree][trajectory], after any shaping. */
  rewards: number[][];
}

interface Sample {
  tree: RolloutTree;
  trajectory: Trajectory;
  group: number;
  reward: RewardResult;
}

/** DAPO's overlong shaping: 0 up to maxLength − buffer, then down linearly to −penalty at maxLength. */
function overlongPenalty(length: number, settings: AlgorithmSettings): number {
  const shaping = settings.overlongShaping;
  if (!shaping) return 0;
  const start = shaping.maxLength - shaping.buffer;
  if (length <= start) return 0;
  return -shaping.penalty * Math.min(1, (length - start) / shaping.buffer);
}

/** Per scoring column c (predicting token c + 1): values of the response token there, `outside` elsewhere. */
function columns(sample: Sample, width: number, values: number[], outside: number): number[] {
  const start = sample.tree.promptTokens.length;
  return Array.from({ length: width }, (_, c) => {
    const index = c + 1 - start;
    return index >= 0 && index < values.length ? values[index]! : outside;
  });
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

  const update = samples.length > 0 ? train(ctx, samples) : { clipUpper: 0, clipLower: 0, kl: 0, gradNorm: 0, loss: 0, updates: 0 };
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
      'actor/ppo_kl': update.kl,
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

/** The update: old log-probs once, then one policy step per mini-batch of whole groups. */
function train(ctx: RlStepContext, samples: Sample[]) {
  const { model, settings, preset } = ctx;
  const sequences = samples.map((s) => [...s.tree.promptTokens, ...s.trajectory.tokens]);
  const oldLogp = tf.tidy(() => scoreTokens(model, sequences).logp.arraySync());
  const groups = [...new Set(samples.map((s) => s.group))];
  const updates = Math.max(1, Math.min(settings.updatesPerBatch, groups.length));
  const totals = { clipUpper: 0, clipLower: 0, kl: 0, gradNorm: 0, loss: 0, updates };
  for (let u = 0; u < updates; u++) {
    const chosen = new Set(groups.filter((_, i) => i % updates === u));
    const rows = samples.map((s, i) => ({ s, i })).filter(({ s }) => chosen.has(s.group));
    const batchSequences = rows.map(({ i }) => sequences[i]!);
    const width = Math.max(...batchSequences.map((x) => x.length)) - 1;
    const mask = rows.map(({ s }) => columns(s, width, s.trajectory.mask, 0));
    const old = rows.map(({ i }) => Array.from({ length: width }, (_, c) => oldLogp[i]![c] ?? 0));
    const stepOfToken = rows.map(({ s }) => columns(s, width, s.trajectory.stepOfToken, -1));
    let stats = { clipFracUpper: 0, clipFracLower: 0, approxKl: 0 };
    const result = policyStep(model, ctx.optimizer, batchSequences, (scored) => {
      // AEPO's entropy is the current policy's, detached, over this micro-batch (spec §3.2).
      const entropy = scored.entropy.arraySync();
      const advantages = ADVANTAGE_ESTIMATORS[preset.advantage](
        {
          rewards: rows.map(({ s }) => s.reward.reward),
          groups: rows.map(({ s }) => s.group),
          mask,
          entropy: entropy.map((row) => row.slice(0, width)),
          stepOfToken,
          anchorKeys: rows.map(({ s }) => s.trajectory.anchorKeys),
        },
        settings,
      );
      const out = POLICY_LOSSES[preset.loss]({ logp: scored.logp, oldLogp: old, advantages, mask }, settings);
      stats = out;
      return out.loss;
    });
    totals.clipUpper += stats.clipFracUpper / updates;
    totals.clipLower += stats.clipFracLower / updates;
    totals.kl += stats.approxKl / updates;
    totals.gradNorm += result.gradNorm / updates;
    totals.loss += result.loss / updates;
  }
  return totals;
}
