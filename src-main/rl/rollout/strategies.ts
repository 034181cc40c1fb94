/**
 * The rollout-strategy registry: how many of the k trajectories start from the root, and when a trajectory forks
 * after a tool call.
 */
import { aepoBranches, arpoBranches, premonitorGlobalSamples } from '../branching';
import type { AlgorithmSettings, RolloutId } from '../types';

export interface PremonitorReading {
  /** Ĥ of the probe's first tokens from the question. */
  hRoot: number;
  /** Ĥ of every segment of the pilot trajectory (the first one included). */
  hTool: number[];
}

export interface RolloutStrategy {
  /** Whether this strategy needs AEPO's pre-monitoring probe and pilot before the rollout. */
  needsPremonitor(settings: AlgorithmSettings): boolean;
  globalSamples(settings: AlgorithmSettings, reading: PremonitorReading | null): number;
  /** u ~ U(0, 1) drawn by the engine; ΔH = Ĥ_now − H_init; l = the question's consecutive growing iterations. */
  branches(u: number, deltaH: number, consecutive: number, settings: AlgorithmSettings): boolean;
}

export const ROLLOUT_STRATEGIES = {
  /** GRPO and friends: k independent samples from the root. */
  independent: {
    needsPremonitor: () => false,
    globalSamples: (settings) => settings.groupSize,
    branches: () => false,
  },
  /** ARPO: m = initialRollouts from the root; fork with probability clip(τ + γΔH, 0, 1). */
  arpo_tree: {
    needsPremonitor: () => false,
    globalSamples: (settings) => Math.min(settings.groupSize, settings.initialRollouts),
    branches: (u, deltaH, _l, settings) => arpoBranches(u, deltaH, settings.branch),
  },
  /** AEPO: m from entropy pre-monitoring (or initialRollouts when off); fork with the consecutive-branch penalty. */
  aepo_tree: {
    needsPremonitor: (settings) => settings.dynamicRollouts,
    globalSamples: (settings, reading) =>
      reading ? premonitorGlobalSamples(settings.groupSize, reading.hRoot, reading.hTool, settings.premonitorBeta) : Math.min(settings.groupSize, settings.initialRollouts),
    branches: (u, deltaH, l, settings) => aepoBranches(u, deltaH, l, settings.branch),
  },
} satisfies Record<RolloutId, RolloutStrategy>;
