/**
 * The three registries and the algorithm catalogue. Adding an algorithm: one file in this folder and one line in
 * ALGORITHMS (plus a line below if it brings a new loss or estimator). `satisfies` makes an algorithm, loss or estimator
 * without an implementation a compile error.
 */
import { grpoAdvantage } from '../advantages';
import type { AdvantageEstimator, AdvantageId, AlgorithmId, Algorithm, PolicyLoss, PolicyLossId } from '../types';
import { aepo, aepoClipLoss, entropyAwareAdvantage } from './aepo';
import { aepoRolloutOnly } from './aepo_rollout_only';
import { aepoUpdateOnly } from './aepo_update_only';
import { arpo } from './arpo';
import { cispo, cispoLoss } from './cispo';
import { dapo } from './dapo';
import { gigpo, gigpoAdvantage } from './gigpo';
import { gppo, gppoLoss } from './gppo';
import { grpo, ppoClipLoss } from './grpo';
import { reinforcePlusPlusAdvantage, reinforcePP } from './reinforce_pp';

export const POLICY_LOSSES = {
  ppo_clip: ppoClipLoss,
  gppo: gppoLoss,
  cispo: cispoLoss,
  aepo_clip: aepoClipLoss,
} satisfies Record<PolicyLossId, PolicyLoss>;

export const ADVANTAGE_ESTIMATORS = {
  grpo: grpoAdvantage,
  reinforce_pp: reinforcePlusPlusAdvantage,
  gigpo: gigpoAdvantage,
  grpo_entropy_aware: entropyAwareAdvantage,
} satisfies Record<AdvantageId, AdvantageEstimator>;

/**
 * Estimators that reshape advantages with the current policy's token entropies: the update recomputes them per
 * micro-batch; every other estimator is computed once over the whole rollout batch.
 */
export const ENTROPY_SHAPED_ADVANTAGES: ReadonlySet<AdvantageId> = new Set<AdvantageId>(['grpo_entropy_aware']);

export const ALGORITHMS = {
  grpo,
  dapo,
  reinforce_pp: reinforcePP,
  gppo,
  cispo,
  gigpo,
  arpo,
  aepo,
  aepo_rollout_only: aepoRolloutOnly,
  aepo_update_only: aepoUpdateOnly,
} satisfies Record<AlgorithmId, Algorithm>;

/** Looks an algorithm up by id; an unknown id is an error that lists the valid ones. */
export function algorithm(id: string): Algorithm {
  const found = (ALGORITHMS as Record<string, Algorithm>)[id];
  if (!found) throw new Error(`unknown algorithm "${id}"; known: ${Object.keys(ALGORITHMS).join(', ')}`);
  return found;
}
