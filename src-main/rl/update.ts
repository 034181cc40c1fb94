/**
 * The policy update of one RL step (docs/algorithms.md, "The update"):
 * - the old policy's log-probs and entropies as the sampler recorded them (the rollout policy at the rollout
 *   temperature: no separate scoring pass), and the reference policy's, when a KL coefficient is set, scored once;
 * - outcome advantages once over the whole rollout batch, so batch-level statistics (REINFORCE++'s whitening) see
 *   every sample; only estimators that reshape with the current policy's entropies (AEPO) are recomputed per
 *   micro-batch, and their outcome part is group-local, so whole-group micro-batches give the same Â;
 * - `ppoEpochs` passes over the batch, each in `updatesPerBatch` mini-batches of whole question groups.
 */
import { tfjsEngine, type TrainingEngine } from '../model/engine';
import type { AdamW } from '../model/optimizer';
import type { Transformer } from '../model/transformer';
import { ADVANTAGE_ESTIMATORS, ENTROPY_SHAPED_ADVANTAGES, POLICY_LOSSES } from './algorithms/registry';
import type { RewardResult } from './rewards';
import type { RolloutTree, Trajectory } from './rollout/types';
import type { AdvantageInput, Algorithm, AlgorithmSettings } from './types';

export interface UpdateSample {
  tree: RolloutTree;
  trajectory: Trajectory;
  group: number;
  reward: RewardResult;
}

export interface UpdateContext {
  model: Transformer;
  optimizer: AdamW;
  algorithm: Algorithm;
  settings: AlgorithmSettings;
  /** The rollout's sampling temperature: logits are divided by it when scoring, as the sampler did. */
  temperature: number;
  /** The frozen reference policy (the run's starting weights), needed when klCoef > 0. */
  reference?: Transformer;
  /** Sees each mini-batch's sample indices and the advantages its loss got (diagnostics and tests). */
  onMiniBatch?: (rows: number[], advantages: number[][]) => void;
  /** What scores and trains (model/engine.ts); default the tfjs reference. */
  engine?: TrainingEngine;
  /**
   * Score the old policy in a separate pass instead of using the log-probs and entropies the sampler recorded. They
   * are the same numbers (the rollout policy, softmax(logits / T) before any top-p cut; tested to float precision),
   * so the pass is only kept for checking.
   */
  rescoreOld?: boolean;
}

export interface UpdateStats {
  clipUpper: number;
  clipLower: number;
  /** k3 estimate of KL(π_old ‖ π_θ) over loss tokens, averaged over updates. */
  kl: number;
  /** verl's actor/ppo_kl: k1 = mean(log π_old − log π_θ) over loss tokens, averaged over updates. */
  klK1: number;
  /** k1 KL of the rollout policy to the reference over loss tokens (verl's actor/kl_loss with k1); 0 without one. */
  refKl: number;
  gradNorm: number;
  loss: number;
  updates: number;
}

/** Per scoring column c (predicting token c + 1): values of the response token there, `outside` elsewhere. */
export function columns(sample: UpdateSample, width: number, values: number[], outside: number): number[] {
  const start = sample.tree.promptTokens.length;
  return Array.from({ length: width }, (_, c) => {
    const index = c + 1 - start;
    return index >= 0 && index < values.length ? values[index]! : outside;
  });
}

/**
 * The old policy's per-column log-probs and entropies as the sampler recorded them: the model-written tokens' (the
 * only ones any loss or advantage reads, under the mask); 0 on prompt and tool-result columns.
 */
function sampledStats(samples: UpdateSample[], width: number): { logp: number[][]; entropy: number[][] } {
  return {
    logp: samples.map((s) => columns(s, width, s.trajectory.logp, 0)),
    entropy: samples.map((s) => columns(s, width, s.trajectory.entropy, 0)),
  };
}

const pick = <T>(rows: T[][], indices: number[], width: number) => indices.map((i) => rows[i]!.slice(0, width));

export async function updatePolicy(ctx: UpdateContext, samples: UpdateSample[]): Promise<UpdateStats> {
  const { model, settings, algorithm } = ctx;
  const engine = ctx.engine ?? tfjsEngine;
  if (settings.klCoef > 0 && !ctx.reference)
    throw new Error('klCoef > 0 needs the frozen reference policy (UpdateContext.reference)');
  const temperature = ctx.temperature > 0 ? ctx.temperature : 1;
  const sequences = samples.map((s) => [...s.tree.promptTokens, ...s.trajectory.tokens]);
  const width = Math.max(...sequences.map((x) => x.length)) - 1;
  const { logp: oldLogp, entropy: oldEntropy } = ctx.rescoreOld
    ? await engine.score(model, sequences, { temperature })
    : sampledStats(samples, width);
  const refLogp =
    settings.klCoef > 0 ? (await engine.score(ctx.reference!, sequences, { temperature })).logp : undefined;
  const mask = samples.map((s) => columns(s, width, s.trajectory.mask, 0));
  const input: AdvantageInput = {
    rewards: samples.map((s) => s.reward.reward),
    groups: samples.map((s) => s.group),
    mask,
    entropy: oldEntropy,
    stepOfToken: samples.map((s) => columns(s, width, s.trajectory.stepOfToken, -1)),
    anchorKeys: samples.map((s) => s.trajectory.anchorKeys),
    klPerToken: refLogp && oldLogp.map((row, b) => row.map((logp, t) => (mask[b]![t] ? logp - refLogp[b]![t]! : 0))),
  };
  const estimator = ADVANTAGE_ESTIMATORS[algorithm.advantage];
  const batchAdvantages = estimator(input, settings);
  const reshaped = ENTROPY_SHAPED_ADVANTAGES.has(algorithm.advantage);
  // In-reward KL replaces the loss's KL term (verl keeps the two apart).
  const lossSettings = settings.klInReward ? { ...settings, klCoef: 0 } : settings;

  const groups = [...new Set(samples.map((s) => s.group))];
  const miniBatches = Math.max(1, Math.min(settings.updatesPerBatch, groups.length));
  const updates = miniBatches * Math.max(1, settings.ppoEpochs);
  const totals: UpdateStats = { clipUpper: 0, clipLower: 0, kl: 0, klK1: 0, refKl: 0, gradNorm: 0, loss: 0, updates };
  totals.refKl = refLogp
    ? maskedMeanOf(
        oldLogp.map((row, b) => row.map((logp, t) => logp - refLogp[b]![t]!)),
        mask,
      )
    : 0;
  for (let epoch = 0; epoch < Math.max(1, settings.ppoEpochs); epoch++) {
    for (let u = 0; u < miniBatches; u++) {
      const chosen = new Set(groups.filter((_, i) => i % miniBatches === u));
      const rows = samples.flatMap((s, i) => (chosen.has(s.group) ? [i] : []));
      const rowWidth = Math.max(...rows.map((i) => sequences[i]!.length)) - 1;
      const rowMask = pick(mask, rows, rowWidth);
      let stats = { clipFracUpper: 0, clipFracLower: 0, approxKl: 0 };
      let k1 = 0;
      const result = await engine.policyStep(
        model,
        ctx.optimizer,
        rows.map((i) => sequences[i]!),
        (scored) => {
          const advantages = reshaped
            ? // AEPO's entropy is the current policy's, detached, over this micro-batch.
              estimator(
                {
                  rewards: rows.map((i) => input.rewards[i]!),
                  groups: rows.map((i) => input.groups[i]!),
                  mask: rowMask,
                  entropy: scored.entropy.arraySync().map((row) => row.slice(0, rowWidth)),
                  stepOfToken: pick(input.stepOfToken!, rows, rowWidth),
                  anchorKeys: rows.map((i) => input.anchorKeys![i]!),
                },
                settings,
              )
            : pick(batchAdvantages, rows, rowWidth);
          ctx.onMiniBatch?.(rows, advantages);
          const old = pick(oldLogp, rows, rowWidth);
          const out = POLICY_LOSSES[algorithm.loss](
            {
              logp: scored.logp,
              oldLogp: old,
              advantages,
              mask: rowMask,
              refLogp: refLogp && pick(refLogp, rows, rowWidth),
            },
            lossSettings,
          );
          const current = scored.logp.arraySync();
          k1 = maskedMeanOf(
            old.map((row, b) => row.map((o, t) => o - current[b]![t]!)),
            rowMask,
          );
          stats = out;
          return out.loss;
        },
        { temperature },
      );
      totals.clipUpper += stats.clipFracUpper / updates;
      totals.clipLower += stats.clipFracLower / updates;
      totals.kl += stats.approxKl / updates;
      totals.klK1 += k1 / updates;
      totals.gradNorm += result.gradNorm / updates;
      totals.loss += result.loss / updates;
    }
  }
  return totals;
}

function maskedMeanOf(values: number[][], mask: number[][]): number {
  let sum = 0;
  let count = 0;
  values.forEach((row, b) =>
    row.forEach((x, t) => {
      if (mask[b]![t]) {
        sum += x;
        count++;
      }
    }),
  );
  return count === 0 ? 0 : sum / count;
}
