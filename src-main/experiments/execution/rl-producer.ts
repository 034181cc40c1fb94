/**
 * The step producer of an RL run: it trains and hands each step's results to a sink, and touches no database, so it
 * runs in a worker thread while the sink in the main process writes (see run-writer.ts). It also writes the run's
 * checkpoints (weights, optimiser moments, random state, step) and stops cleanly after a step when asked to pause.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StepMetrics } from '../../core/events';
import { loadCheckpoint, saveCheckpoint } from '../../model/checkpoint';
import type { TrainingEngine } from '../../model/engine';
import type { AdamW } from '../../model/optimizer';
import { Rng } from '../../model/rng';
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import { frozenCopy, loadWeights, weightSnapshot } from '../../model/weights';
import type { RolloutOptions } from '../../rl/rollout/engine';
import type { RolloutQuestion, RolloutTree } from '../../rl/rollout/types';
import { rlStep, type RlStepContext } from '../../rl/step';
import type { Algorithm, AlgorithmSettings } from '../../rl/types';
import type { JsonValue } from '../../store/records';
import type { ToolSet } from '../../tools/types';

export interface RlProducerOptions {
  runId: number;
  model: Transformer;
  tokenizer: Tokenizer;
  optimizer: AdamW;
  /** What scores and trains (model/engine.ts); default the tfjs reference. */
  engine?: TrainingEngine;
  tools: ToolSet;
  algorithm: Algorithm;
  settings: AlgorithmSettings;
  rollout: RolloutOptions;
  seed: number;
  steps: number;
  /** The questions of training step `step`. */
  questionsFor: (step: number) => RolloutQuestion[];
  /** Fresh questions for DAPO's dynamic sampling to refill step `step`'s batch with. */
  moreQuestions?: (step: number, count: number) => RolloutQuestion[];
  reward?: RlStepContext['reward'];
  /** Where checkpoints go, every `every` steps, at the end and on pause (none when unset). */
  checkpoints?: { dir: string; every: number; appVersion: string };
}

/** One question's rollout tree as the viewer reads it. */
export interface StepRollout {
  question: string;
  tree: JsonValue;
  reward: number;
  toolCalls: number;
}

export interface WrittenCheckpoint {
  step: number;
  path: string;
  bytes: number;
  sha256: string;
}

/** Where the producer's results go: the writer in the main process, or (in-process) straight to it. */
export interface RunSink {
  /** The run starts after `fromStep` (0: from the beginning); what was recorded after it is redone. */
  started(fromStep: number): void;
  /** A finished step, with the checkpoint written after it if any (recorded only once the step's rows are). */
  step(step: number, metrics: StepMetrics, rollouts: StepRollout[], checkpoint?: WrittenCheckpoint): void;
  log(line: string): void;
  /** Asked after every step: true stops the run there (after a checkpoint), to be resumed later. */
  pauseRequested(): boolean;
}

/** What the run ended with: every step done, or paused after `step`. */
export type ProducerOutcome = { finished: true } | { finished: false; pausedAfter: number };

/**
 * What the rollout viewer needs of a tree: structure, tokens as text pieces, loss mask and entropies, and every branch
 * decision at full precision (so the forks taken can be checked against the probabilities drawn against).
 */
function treeRecord(tree: RolloutTree, rewards: number[], tokenizer: Tokenizer): JsonValue {
  return {
    globalSamples: tree.globalSamples,
    fills: tree.fills,
    premonitor: tree.premonitor,
    decisions: tree.decisions,
    trajectories: tree.trajectories.map((t) => ({
      id: t.id,
      parent: t.parent,
      reward: rewards[t.id]!,
      forkedAtToken: t.forkedAtToken,
      stopReason: t.stopReason,
      toolCalls: t.toolCalls,
      pieces: t.tokens.map((id) => tokenizer.tokenText(id)),
      mask: t.mask,
      entropy: t.entropy.map((h) => Math.round(h * 1000) / 1000),
      segments: t.segments.map((s) => ({ ...s, entropy: Math.round(s.entropy * 1000) / 1000 })),
    })),
  } as unknown as JsonValue;
}

/**
 * Trains from `resumeFrom` (a checkpoint file and its step; none: step 1), reporting to `sink`. `options.model` holds
 * the run's starting weights (the base checkpoint) on entry, also when resuming. A corrupt or missing checkpoint throws
 * with the file named, before anything is reported.
 */
export async function produceRl(
  options: RlProducerOptions,
  sink: RunSink,
  resumeFrom?: { path: string; step: number },
): Promise<ProducerOutcome> {
  // A KL term needs the policy the run started from, frozen: copied before a resume loads the checkpoint's weights.
  const reference = options.settings.klCoef > 0 ? frozenCopy(options.model) : undefined;
  try {
    const rng = resumeFrom ? restore(options, resumeFrom.path) : new Rng(options.seed);
    const firstStep = (resumeFrom?.step ?? 0) + 1;
    sink.started(firstStep - 1);
    for (let step = firstStep; step <= options.steps; step++) {
      const { metrics, trees, rewards } = await rlStep(
        {
          model: options.model,
          optimizer: options.optimizer,
          tokenizer: options.tokenizer,
          tools: options.tools,
          algorithm: options.algorithm,
          settings: options.settings,
          rollout: options.rollout,
          rng,
          reward: options.reward,
          reference,
          engine: options.engine,
          warn: (line) => sink.log(line),
          moreQuestions: options.moreQuestions && ((count) => options.moreQuestions!(step, count)),
        },
        options.questionsFor(step),
      );
      const pause = step < options.steps && sink.pauseRequested();
      const every = options.checkpoints?.every ?? 0;
      const saved =
        options.checkpoints && (step % every === 0 || step === options.steps || pause)
          ? checkpoint(options, step, rng)
          : undefined;
      sink.step(
        step,
        metrics,
        trees.map((tree, q) => ({
          question: tree.question.prompt,
          tree: treeRecord(tree, rewards[q]!, options.tokenizer),
          reward: rewards[q]!.reduce((a, b) => a + b, 0) / Math.max(1, rewards[q]!.length),
          toolCalls: tree.trajectories.reduce((n, t) => n + t.toolCalls, 0),
        })),
        saved,
      );
      if (pause) return { finished: false, pausedAfter: step };
    }
    return { finished: true };
  } finally {
    reference?.dispose();
  }
}

/**
 * Writes the run's state after `step` (the sink records it after the step's rows). A run resumed from here redoes
 * the steps after it and draws the same random numbers, so it records what it would have.
 */
function checkpoint(options: RlProducerOptions, step: number, rng: Rng): WrittenCheckpoint {
  const { dir, appVersion } = options.checkpoints!;
  const path = join(dir, `run-${options.runId}-step-${step}.ckpt`);
  try {
    mkdirSync(dir, { recursive: true });
    const written = saveCheckpoint(path, {
      model: options.model,
      tokenizer: options.tokenizer,
      optimizer: options.optimizer,
      meta: { runId: options.runId, step, appVersion, createdAt: Date.now(), rngState: rng.state32 },
    });
    return { step, path, ...written };
  } catch (error) {
    throw new Error(`cannot write the checkpoint ${path}: ${(error as Error).message}`);
  }
}

/** Loads a checkpoint into the model and optimiser; a corrupt or incomplete file throws with its name. */
function restore(options: RlProducerOptions, path: string): Rng {
  const saved = loadCheckpoint(path);
  try {
    loadWeights(options.model, weightSnapshot(saved.model));
    if (!saved.optimizerState) throw new Error(`${path} holds no optimiser state`);
    options.optimizer.load(saved.optimizerState);
  } finally {
    saved.model.dispose();
  }
  if (saved.meta.rngState === undefined) throw new Error(`${path} holds no random state`);
  return Rng.fromState(saved.meta.rngState);
}
