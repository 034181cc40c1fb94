/**
 * The typed rows the store hands out. Plain data only (no imports), because the renderer sees these types
 * through the api channel map. Times are Unix epoch milliseconds.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface Experiment {
  id: number;
  name: string;
  description: string;
  config: JsonObject;
  createdAt: number;
}

export interface ExperimentSummary extends Experiment {
  runCount: number;
  runsByStatus: Partial<Record<RunStatus, number>>;
}

export interface Run {
  id: number;
  experimentId: number | null;
  name: string;
  algorithm: string;
  benchmark: string;
  seed: number;
  config: JsonObject;
  status: RunStatus;
  error: string | null;
  appVersion: string;
  /** The tensor backend the run trained on (`wasm`, `tensorflow`, ...); null until it starts. */
  backend: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  /** Labels the user gave the run. */
  tags: string[];
  /** The user's note on the run. */
  notes: string;
  /** Where it executes (migrations/009_run_executor.sql): set once, when it is sent to a cluster. */
  executor: RunExecutorKind;
}

/** 'local': this machine's scheduler and worker threads; 'ray': a verl job on a Ray cluster. */
export type RunExecutorKind = 'local' | 'ray';

/** A run's key numbers for the runs table. */
export interface RunSummary {
  runId: number;
  /** The last logged reward/mean (null: none yet). */
  reward: number | null;
  /** The step of that reward. */
  step: number | null;
  /** Final Pass@1 in %, averaged over the benchmarks it was evaluated on (null: not evaluated). */
  pass1: number | null;
}

/** A saved arrangement of a page (filter, sort, grouping), by name. */
export interface SavedView {
  id: number;
  page: string;
  name: string;
  state: JsonObject;
  updatedAt: number;
}

export interface MetricPoint {
  step: number;
  /** null when the logged number was not finite. */
  value: number | null;
  wallTimeMs: number;
}

export interface MetricKeyInfo {
  key: string;
  points: number;
  firstStep: number;
  lastStep: number;
}

export interface BenchmarkItemCount {
  benchmark: string;
  split: string;
  items: number;
}

/** One item's verdict in an evaluation (see migrations/004). */
export interface EvaluationItemRow {
  runId: number;
  step: number;
  benchmark: string;
  index: number;
  sample: number;
  prediction: string | null;
  extracted: string | null;
  gold: string[];
  score: number;
  verdict: 'correct' | 'partial' | 'wrong' | 'missing';
  reason: string;
}

/** One trajectory of a stored rollout tree, as the viewer reads it (experiments/execution/rl-producer.ts writes it). */
export interface StoredTrajectory {
  id: number;
  /** The trajectory it branched from; null for a global sample from the root. */
  parent: number | null;
  reward: number;
  /** Response tokens of the parent when this one forked from it. */
  forkedAtToken: number | null;
  stopReason: string | null;
  toolCalls: number;
  /** The response as text pieces, one per token (tool results included). */
  pieces: string[];
  /** 1 where the model wrote the token, 0 on tool results. */
  mask: number[];
  /** Per-token entropy (nats). */
  entropy: number[];
  /** Stretches the model wrote between tool calls, with their segment entropy. */
  segments: { start: number; end: number; entropy: number }[];
}

/** One branch decision after a tool call (rl/rollout/types.ts BranchDecision): forked iff the draw u < probability. */
export interface StoredDecision {
  iteration: number;
  trajectory: number;
  /** The trajectory's response length then: where its fork starts. */
  atToken: number;
  deltaH: number;
  probability: number;
  taken: boolean;
}

export interface StoredTree {
  /** m: trajectories started from the root. */
  globalSamples: number;
  fills: number;
  trajectories: StoredTrajectory[];
  /** Every branch decision (trees stored by earlier versions have none). */
  decisions?: StoredDecision[];
  /** AEPO's pre-monitoring: Ĥ of the probe and the pilot's mean segment Ĥ, which set m (null or absent: off). */
  premonitor?: { hRoot: number; hToolMean: number } | null;
}

/** One question's rollout tree at one step of a run. */
export interface RolloutView {
  id: number;
  step: number;
  question: string;
  tree: StoredTree;
  /** Mean reward of its trajectories. */
  reward: number;
  toolCalls: number;
}

/** What a run's rollouts hold per step. */
export interface RolloutStep {
  step: number;
  questions: number;
  reward: number;
}

/** A benchmark of the registry (or a generated mini suite) with its imported items per split. */
export interface BenchmarkEntry {
  id: string;
  name: string;
  domain: string;
  metric: string;
  tools: string[];
  /** A generated mini suite (with its knobs), not a file to import. */
  generated: boolean;
  knobs: Record<string, number>;
  /** Items per split, e.g. { test: 500 }; empty when nothing is imported. */
  counts: Record<string, number>;
}

export interface BenchmarkItemPage {
  /** Items matching the search, of which `items` is one page. */
  total: number;
  items: { index: number; question: string; answers: string[] }[];
}
