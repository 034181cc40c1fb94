/**
 * The rollout-strategy registry: how many of the k trajectories start from the root, and when a trajectory forks
 * after a tool call.
 */
import { aepoBranchProbability, arpoBranchProbability, premonitorGlobalSamples } from '../branching';
import type { AlgorithmSettings, RolloutId } from '../types';

export interface PremonitorReading {
  /** Ĥ of the probe's first tokens from the question. */
  hRoot: number;
  /** Ĥ of every segment of the pilot trajectory (the first one included). */
  hTool: number[];
  /** Tokens the probe and the pilot sampled: compute spent outside the group. */
  sampledTokens: number;
}

export interface RolloutStrategy {
  /** Whether this strategy needs AEPO's pre-monitoring probe and pilot before the rollout. */
  needsPremonitor(settings: AlgorithmSettings): boolean;
  globalSamples(settings: AlgorithmSettings, reading: PremonitorReading | null): number;
  /** P(fork) after a tool call; the engine forks iff u < P, u ~ U(0, 1). ΔH = Ĥ_now − H_init; l = the question's
   * consecutive growing iterations. */
  branchProbability(deltaH: number, consecutive: number, settings: AlgorithmSettings): number;
}

export const ROLLOUT_STRATEGIES = {
  /** GRPO and friends: k independent samples from the root. */
  independent: {
    needsPremonitor: () => false,
    globalSamples: (settings) => settings.groupSize,
    branchProbability: () => 0,
  },
  /** ARPO: m = globalSamples from the root; fork with probability clip(τ + γΔH, 0, 1). */
  arpo_tree: {
    needsPremonitor: () => false,
    globalSamples: (settings) => Math.min(settings.groupSize, settings.globalSamples),
    branchProbability: (deltaH, _l, settings) => arpoBranchProbability(deltaH, settings.branch),
  },
  /** AEPO: m from entropy pre-monitoring (or globalSamples when off); fork with the consecutive-branch penalty. */
  aepo_tree: {
    needsPremonitor: (settings) => settings.dynamicRollouts,
    globalSamples: (settings, reading) =>
      reading
        ? premonitorGlobalSamples(settings.groupSize, reading.hRoot, reading.hTool, settings.premonitorBeta)
        : Math.min(settings.groupSize, settings.globalSamples),
    branchProbability: (deltaH, l, settings) => aepoBranchProbability(deltaH, l, settings.branch),
  },
} satisfies Record<RolloutId, RolloutStrategy>;
