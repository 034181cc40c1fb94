/**
 * Every knob an algorithm's defaults set, declared once: the algorithms' defaults (`AlgorithmSettings`, rl/types.ts) are
 * this schema's output type, and a run config's `algorithmSettings` group (experiments/plan/run-config.ts) is its partial, so the
 * form, the CLI's `--set`, validation and the RL code read the same names, ranges and doc lines.
 */
import { z } from 'zod';
import { SEGMENT_ENTROPY_FORMS } from './branching';

const probability = z.number().min(0).max(1);

export const LOSS_AGGREGATIONS = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum'] as const;

export const algorithmSettingsSchema = z
  .object({
    clipLow: z.number().min(0).max(1).describe('Lower clip range ε_low: the ratio is clipped below at 1 − ε_low.'),
    clipHigh: z.number().min(0).describe("Upper clip range ε_high: clipped above at 1 + ε_high (DAPO's clip-higher)."),
    dualClipC: z.number().gt(1).nullable().describe('Dual-clip bound c for negative advantages; null: off.'),
    lossAgg: z.enum(LOSS_AGGREGATIONS).describe('How token losses are averaged into the batch loss.'),
    klCoef: z.number().min(0).describe('Weight β of the k3 KL penalty against the starting policy (0: none).'),
    klInReward: z.boolean().describe('REINFORCE++: put the KL penalty into the token rewards instead of the loss.'),
    groupSize: z
      .number()
      .int()
      .min(2)
      .max(64)
      .describe('k: trajectories per question (the group advantages are computed over).'),
    globalSamples: z
      .number()
      .int()
      .min(1)
      .max(64)
      .describe(
        'm: tree-search trajectories sampled from the root before branching (fixed when pre-monitoring is off).',
      ),
    dynamicRollouts: z
      .boolean()
      .describe('AEPO: split the budget between global samples and branches by pre-monitored entropy.'),
    premonitorBeta: z.number().describe('AEPO: how strongly the pre-monitored entropy gap moves the budget (β).'),
    beamSize: z.number().int().min(2).max(8).describe('Paths a fork at one tool call splits into (beamSize − 1 new).'),
    branch: z
      .object({ tau: z.number(), gamma: z.number(), penalty: z.number().min(0) })
      .strict()
      .describe('Branch probability: threshold τ, entropy weight γ and the penalty for consecutive branching.'),
    segmentEntropy: z
      .enum(SEGMENT_ENTROPY_FORMS)
      .describe("How a segment's entropy Ĥ (behind ΔH and pre-monitoring) is measured (docs/algorithms.md)."),
    entropyAdvCoef: z
      .number()
      .describe('AEPO: weight a of the entropy-aware advantage, Ã = Â·(1 + a·z(h)); 0: off (the released runs).'),
    stepAdvWeight: z.number().describe('GiGPO: weight ω of the step-level advantage.'),
    stepDiscount: probability.describe("GiGPO: discount γ of later steps' returns (a step's return is γ^(left)·R)."),
    dynamicSampling: z
      .boolean()
      .describe('DAPO: drop groups whose answers are all right or all wrong and refill the batch.'),
    maxGenerationBatches: z
      .number()
      .int()
      .min(1)
      .max(100)
      .describe('DAPO: most rollout batches drawn to refill one step, the first included.'),
    overlongShaping: z
      .object({ bufferFraction: probability, penalty: z.number().min(0) })
      .strict()
      .nullable()
      .describe('DAPO: penalty for responses near the length limit (buffer share of the limit, penalty); null: off.'),
    updatesPerBatch: z
      .number()
      .int()
      .min(1)
      .max(64)
      .describe("Optimiser updates per rollout batch (mini-batches: verl's train_batch_size / ppo_mini_batch_size)."),
    ppoEpochs: z
      .number()
      .int()
      .min(1)
      .max(16)
      .describe('Passes over the rollout batch. With one update in all, the ratio stays 1 and no clip acts.'),
  })
  .strict();
