/** The rollout tree: which trajectory forked from which, and where; expanded to flat sequences for the loss. */
import type { ToolName } from '../../tools/types';

export interface RolloutQuestion {
  id: string;
  prompt: string;
  /** Gold answers (aliases). */
  answers: string[];
}

/** A stretch the model wrote between two tool interactions, with its segment entropy Ĥ. */
export interface Segment {
  start: number;
  end: number;
  /** Ĥ: the segment's entropy as the algorithm's `segmentEntropy` form measures it. */
  entropy: number;
}

export type StopReason = 'eos' | 'length' | 'context' | 'tool_limit' | 'empty_tool';

export interface Trajectory {
  /** Index within its tree. */
  id: number;
  /** The sampling-session sequence it occupies. */
  slot: number;
  parent: number | null;
  /** Response length when it forked from its parent, and the rollout iteration. */
  forkedAtToken: number | null;
  forkedAtIteration: number | null;
  /** Response tokens (after the prompt), with per-token loss mask (0 on tool results), log-prob and entropy. */
  tokens: number[];
  mask: number[];
  logp: number[];
  entropy: number[];
  /** Per response token, how many tool results came before it (GiGPO's step index). */
  stepOfToken: number[];
  /** Per step, the anchor state: question id plus every tool call and result so far. */
  anchorKeys: string[];
  segments: Segment[];
  /** H_init: Ĥ of the first segment this trajectory wrote (after its fork, for a branch). */
  initialEntropy: number | null;
  toolCalls: number;
  toolsUsed: ToolName[];
  /** Rollout iterations at which a branch was forked from this trajectory. */
  branchIterations: number[];
  done: boolean;
  stopReason: StopReason | null;
}

/**
 * One branch decision after a tool call: the ΔH the strategy saw, the probability P it gave, and whether the draw
 * u < P forked. A reviewer checks the forks taken against the probabilities recorded.
 */
export interface BranchDecision {
  /** The rollout iteration it was made in. */
  iteration: number;
  /** The trajectory (index in its tree) that might fork. */
  trajectory: number;
  /** Its response length then: where a fork starts. */
  atToken: number;
  deltaH: number;
  probability: number;
  taken: boolean;
}

/** AEPO's pre-monitoring reading for one question: Ĥ of the probe and the pilot's mean Ĥ over its segments. */
export interface PremonitorRecord {
  hRoot: number;
  hToolMean: number;
}

export interface RolloutTree {
  question: RolloutQuestion;
  promptTokens: number[];
  trajectories: Trajectory[];
  /** m: trajectories started from the root at the beginning (before any budget fill). */
  globalSamples: number;
  /** Fresh root trajectories added because the budget was not used by branching. */
  fills: number;
  /** Rollout iterations in which this question grew its tree (what AEPO's consecutive-branch penalty counts). */
  growthIterations: number[];
  /** Every branch decision, in the order they were drawn. */
  decisions: BranchDecision[];
  /** With pre-monitoring: what set m. */
  premonitor: PremonitorRecord | null;
  /** Tokens sampled for this question and thrown away: pre-monitoring's probe and pilot (0 without it). */
  pilotTokens: number;
}
