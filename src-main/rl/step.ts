/**
 * One RL training step (docs/algorithms.md): roll out every question with the algorithm's strategy, score the
 * trajectories, then update the policy (update.ts: advantages over the whole batch, `ppoEpochs` passes of
 * `updatesPerBatch` mini-batches of whole question groups).
 * Returns the step's metrics under stable names and the rollout trees for the viewer.
 */
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import type { AdamW } from '../model/optimizer';
import type { Rng } from '../model/rng';
import type { ToolSet } from '../tools/types';
import { firstGroups, informativeGroups, overlongPenalty } from './dynamic-sampling';
import { hierarchicalReward, type RewardResult } from './rewards';
import { runRollouts, sampledTokens, type RolloutOptions } from './rollout/engine';
import { scoreForcedTokens } from './rollout/forced-tokens';
import { ROLLOUT_STRATEGIES } from './rollout/strategies';
import type { RolloutQuestion, RolloutTree, Trajectory } from './rollout/types';
import { updatePolicy, type UpdateSample, type UpdateStats } from './update';
import { tfjsEngine, type TrainingEngine } from '../model/engine';
import { branchDecisionMetrics, treeMetrics } from './tree-metrics';
import type { Algorithm, AlgorithmSettings } from './types';

export interface RlStepContext {
  model: Transformer;
  optimizer: AdamW;
  tokenizer: Tokenizer;
  tools: ToolSet;
  algorithm: Algorithm;
  settings: AlgorithmSettings;
  rollout: RolloutOptions;
  rng: Rng;
  reward?: (response: string, answers: string[]) => RewardResult;
  /** The frozen reference policy (the run's starting weights); needed when klCoef > 0. */
  reference?: Transformer;
  /** Where one-line warnings go (default: stderr). */
  warn?: (line: string) => void;
  /** Fresh questions for DAPO's dynamic sampling to refill the batch with (none: the batch just shrinks). */
  moreQuestions?: (count: number) => RolloutQuestion[];
  /** What scores and trains in the update (model/engine.ts); default the tfjs reference. */
  engine?: TrainingEngine;
}

const warnedRuns = new WeakSet<AdamW>();

/** With one optimiser update the ratio is 1 and every clipped objective is GRPO's: say so, once per run. */
function warnSingleUpdate(ctx: RlStepContext): void {
  if (warnedRuns.has(ctx.optimizer)) return;
  warnedRuns.add(ctx.optimizer);
  (ctx.warn ?? ((line) => process.stderr.write(`${line}\n`)))(
    `warning: this step made a single optimiser update, so the ratio is 1 and ${ctx.algorithm.label}'s clipped objective equals GRPO's; raise updatesPerBatch or ppoEpochs (or use more questions per step)`,
  );
}

export interface RlStepResult {
  metrics: Record<string, number>;
  trees: RolloutTree[];
  /** rewards[tree][trajectory], after any shaping. */
  rewards: number[][];
}

type Sample = UpdateSample & { unshaped: number };

export async function rlStep(ctx: RlStepContext, questions: RolloutQuestion[]): Promise<RlStepResult> {
  const { model, tokenizer, settings, algorithm } = ctx;
  const reward = ctx.reward ?? hierarchicalReward;
  // Where the step's time goes (verl's timing_s/*): rollouts (sampling and tools), tool calls alone, the update.
  const stepStarted = performance.now();
  let toolMs = 0;
  const tools: RlStepContext['tools'] = {
    call: async (tool, input) => {
      const started = performance.now();
      try {
        return await ctx.tools.call(tool, input);
      } finally {
        toolMs += performance.now() - started; // calls of one batch overlap: this is their summed time
      }
    },
  };
  /** Rolls out questions and scores every trajectory; groups are numbered from `firstGroup`. */
  const rollOut = async (batch: RolloutQuestion[], firstGroup: number) => {
    const rolled = await runRollouts(
      {
        // The engine's sampler: ONNX Runtime's KV-cache decoder with the onnx engine, the tfjs one otherwise.
        openSession: (n) => (ctx.engine ?? tfjsEngine).openSession(model, n),
        tokenizer,
        tools,
        strategy: ROLLOUT_STRATEGIES[algorithm.rollout],
        settings,
        options: ctx.rollout,
        random: () => ctx.rng.next(),
        contextLength: model.config.contextLength,
      },
      batch,
    );
    // The EOS forced at the tool-call limit is trained on: its old log-prob and entropy, under the rollout policy.
    await scoreForcedTokens(rolled, (sequences) =>
      (ctx.engine ?? tfjsEngine).score(model, sequences, { temperature: ctx.rollout.temperature || 1 }),
    );
    const scored: Sample[] = rolled.flatMap((tree, index) =>
      tree.trajectories.map((trajectory) => {
        const result = reward(tokenizer.decode(trajectory.tokens), tree.question.answers);
        const shaped =
          result.reward +
          overlongPenalty(trajectory.tokens.length, ctx.rollout.maxResponseTokens, settings.overlongShaping);
        return {
          tree,
          trajectory,
          group: firstGroup + index,
          reward: { ...result, reward: shaped },
          unshaped: result.reward,
        };
      }),
    );
    return { rolled, scored };
  };
  const first = await rollOut(questions, 0);
  let trees = first.rolled;
  let all = first.scored;
  let samples = all;
  let generationBatches = 1;
  if (settings.dynamicSampling) {
    // DAPO: keep groups whose unshaped reward varies; roll out fresh questions until the batch has as many groups again.
    samples = informativeGroups(all);
    const groupsKept = () => new Set(samples.map((s) => s.group)).size;
    while (groupsKept() < questions.length && ctx.moreQuestions && generationBatches < settings.maxGenerationBatches) {
      const fresh = ctx.moreQuestions(questions.length - groupsKept());
      if (fresh.length === 0) break;
      const extra = await rollOut(fresh, trees.length);
      generationBatches++;
      trees = [...trees, ...extra.rolled];
      all = [...all, ...extra.scored];
      samples = [...samples, ...informativeGroups(extra.scored)];
    }
    samples = firstGroups(samples, questions.length);
  }

  const rolloutMs = performance.now() - stepStarted;
  const update: UpdateStats =
    samples.length > 0
      ? await updatePolicy(
          {
            model,
            optimizer: ctx.optimizer,
            algorithm,
            settings,
            temperature: ctx.rollout.temperature,
            reference: ctx.reference,
            engine: ctx.engine,
          },
          samples,
        )
      : { clipUpper: 0, clipLower: 0, kl: 0, klK1: 0, refKl: 0, gradNorm: 0, loss: 0, updates: 0 };
  const updateMs = performance.now() - stepStarted - rolloutMs;
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
      // Every token the step sampled or read back from tools: the charts' "tokens" axis sums it.
      'tokens/step': all.reduce((n, s) => n + s.trajectory.tokens.length, 0),
      // Only the tokens the policy sampled (pilot rollouts, branches and DAPO's refills included): a step's compute.
      'tokens/generated': trees.reduce((n, tree) => n + sampledTokens(tree), 0),
      'tool_calls/mean': meanOf(all.map((s) => s.trajectory.toolCalls)),
      'rollout/global_samples': diagnostics.globalSamples,
      'rollout/branches_per_question': diagnostics.branchesPerQuestion,
      'rollout/branch_concentration': diagnostics.branchConcentration,
      'rollout/consecutive_branch_share_per_path': diagnostics.consecutiveBranchSharePerPath,
      'rollout/consecutive_growth_share': diagnostics.consecutiveGrowthShare,
      'rollout/distinct_answers': diagnostics.distinctAnswers,
      ...branchDecisionMetrics(trees),
      'rollout/kept_groups': new Set(samples.map((s) => s.group)).size,
      'rollout/generation_batches': generationBatches,
      'timing_s/rollout': rolloutMs / 1000,
      'timing_s/tools': toolMs / 1000,
      'timing_s/update': updateMs / 1000,
      'timing_s/step': (performance.now() - stepStarted) / 1000,
    },
  };
}

/** Entropies of the first J model-written tokens after each tool result. */
function entropyAfterTools(t: Trajectory, firstTokens: number): number[] {
  return t.segments.slice(1).flatMap((s) => t.entropy.slice(s.start, Math.min(s.end, s.start + firstTokens)));
}
