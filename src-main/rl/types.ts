/**
 * The shapes every algorithm plugs into. A policy loss turns a batch of per-token log-probs (differentiable) and
 * constants (old log-probs, advantages, mask) into the scalar to minimise plus its diagnostics; an advantage estimator
 * turns rewards (and, for some, entropies or trajectory structure) into per-token advantages.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { algorithmSettingsSchema } from './settings-schema';

/** The loss's settings (rl/settings-schema.ts declares them with their doc lines). */
export type LossSettings = Pick<AlgorithmSettings, 'clipLow' | 'clipHigh' | 'dualClipC' | 'lossAgg' | 'klCoef'>;
export type LossAggregation = AlgorithmSettings['lossAgg'];

/** One micro-batch: B sequences of T tokens, right-padded. Everything but `logp` is a constant. */
export interface LossBatch {
  /** [B, T] log π_θ of the sampled tokens: the only differentiable input. */
  logp: tf.Tensor2D;
  oldLogp: number[][];
  /** Final per-token advantages (already shaped by the estimator). */
  advantages: number[][];
  /** 1 on model-written tokens, 0 on prompt, tool results and padding. */
  mask: number[][];
  refLogp?: number[][];
}

export interface LossOutput {
  loss: tf.Scalar;
  /** Shares of loss tokens whose ratio was clipped above / below (the clip was the active branch). */
  clipFracUpper: number;
  clipFracLower: number;
  /** k3 estimate of KL(π_old ‖ π_θ) over loss tokens. */
  approxKl: number;
}

export type PolicyLoss = (batch: LossBatch, settings: LossSettings) => LossOutput;

export interface AdvantageInput {
  /** Outcome reward per sequence. */
  rewards: number[];
  /** Question id per sequence: the GRPO group. */
  groups: (string | number)[];
  mask: number[][];
  /** Per-token policy entropy in nats (current policy, detached). */
  entropy: number[][];
  /**
   * For step-level estimators (GiGPO): per token, the step it belongs to (−1 outside any step), and per sequence and
   * step, the anchor-state key (identical question and tool history ⇒ same key).
   */
  stepOfToken?: number[][];
  anchorKeys?: string[][];
  /** Per loss token, log π_old − log π_ref (k1), when a reference policy is in use; for KL-in-reward estimators. */
  klPerToken?: number[][];
}

export interface AdvantageSettings {
  /** AEPO's a: weight of the z-scored token entropy in Ã = Â·(1 + a·z(h)). */
  entropyAdvCoef: number;
  /** GiGPO's ω: weight of the step-level advantage. */
  stepAdvWeight: number;
  /** GiGPO's γ: the return of a step s of S is γ^(S − 1 − s)·R (verl-agent: 0.95). */
  stepDiscount: number;
  /** REINFORCE++: subtract klCoef × the per-token KL to the reference from the token rewards (instead of a loss term). */
  klInReward: boolean;
  /** KL coefficient β (the in-reward penalty's weight). */
  klCoef: number;
}

export type AdvantageEstimator = (input: AdvantageInput, settings: AdvantageSettings) => number[][];

export const POLICY_LOSS_IDS = ['ppo_clip', 'gppo', 'cispo', 'aepo_clip'] as const;
export type PolicyLossId = (typeof POLICY_LOSS_IDS)[number];
export const ADVANTAGE_IDS = ['grpo', 'reinforce_pp', 'gigpo', 'grpo_entropy_aware'] as const;
export type AdvantageId = (typeof ADVANTAGE_IDS)[number];
export const ROLLOUT_IDS = ['independent', 'arpo_tree', 'aepo_tree'] as const;
export type RolloutId = (typeof ROLLOUT_IDS)[number];

export const ALGORITHM_IDS = [
  'grpo',
  'dapo',
  'reinforce_pp',
  'gppo',
  'cispo',
  'gigpo',
  'arpo',
  'aepo',
  'aepo_rollout_only',
  'aepo_update_only',
] as const;
export type AlgorithmId = (typeof ALGORITHM_IDS)[number];

/** Named setting bundles of one algorithm (rl/variants.ts): the method as published, or the authors' scripts. */
export const SETTING_VARIANTS = ['paper', 'released'] as const;
export type SettingVariant = (typeof SETTING_VARIANTS)[number];

/** Every knob an algorithm's defaults set, declared once with its doc line in rl/settings-schema.ts. */
export type AlgorithmSettings = z.output<typeof algorithmSettingsSchema>;
/** DAPO's overlong reward shaping: a linear penalty over the last part of the rollout's response budget. */
export type OverlongShaping = NonNullable<AlgorithmSettings['overlongShaping']>;

export interface Citation {
  title: string;
  authors: string;
  arxiv: string;
  year: number;
}

/** An algorithm: one estimator, one loss and one rollout strategy, by name, plus its defaults and provenance. */
export interface Algorithm {
  id: AlgorithmId;
  /** Short label, e.g. "AEPO". */
  label: string;
  /** The full name, shown everywhere the short label could be ambiguous (two unrelated papers are called AEPO). */
  fullName: string;
  citation: Citation;
  advantage: AdvantageId;
  loss: PolicyLossId;
  rollout: RolloutId;
  defaults: AlgorithmSettings;
}
