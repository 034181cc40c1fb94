/**
 * Runs RL steps for one run and records them: the run's status and tensor backend, every step's metrics under their
 * stable names, and every question's rollout tree (for the viewer). The wiring between the pure RL code and storage.
 */
import type { BackendChoice } from '../model/backend';
import type { AdamW } from '../model/optimizer';
import { Rng } from '../model/rng';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import { frozenCopy, loadWeights, weightSnapshot } from '../model/weights';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RolloutOptions } from '../rl/rollout/engine';
import type { RolloutQuestion, RolloutTree } from '../rl/rollout/types';
import { rlStep, type RlStepContext } from '../rl/step';
import type { AlgorithmPreset, AlgorithmSettings } from '../rl/types';
import type { Services } from '../services';
import type { ToolSet } from '../tools/types';

export interface RlRunOptions {
  model: Transformer;
  tokenizer: Tokenizer;
  optimizer: AdamW;
  tools: ToolSet;
  preset: AlgorithmPreset;
  settings: AlgorithmSettings;
  rollout: RolloutOptions;
  backend: BackendChoice;
  seed: number;
  steps: number;
  /** The questions of training step `step`. */
  questionsFor: (step: number) => RolloutQuestion[];
  /** Fresh questions for DAPO's dynamic sampling to refill step `step`'s batch with. */
  moreQuestions?: (step: number, count: number) => RolloutQuestion[];
  reward?: RlStepContext['reward'];
  onStep?: (step: number, metrics: Record<string, number>) => void;
  /** One-line warnings (a single-update step); default stderr. */
  warn?: (line: string) => void;
  /** Where checkpoints go, every `checkpointEvery` steps and at the end (none when unset). */
  checkpoints?: { dir: string; every: number; appVersion: string };
  /** Continue from the run's last checkpoint (weights, optimiser moments, random state, step) instead of step 1. */
  resume?: boolean;
}

/** What the rollout viewer needs of a tree: structure, tokens as text pieces, loss mask and entropies. */
function treeRecord(tree: RolloutTree, rewards: number[], tokenizer: Tokenizer) {
  return {
    globalSamples: tree.globalSamples,
    fills: tree.fills,
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
  };
}

export async function runRl(services: Services, runId: number, options: RlRunOptions): Promise<void> {
  let start: { rng: Rng; firstStep: number };
  try {
    start = options.resume ? restore(services, runId, options) : { rng: new Rng(options.seed), firstStep: 1 };
  } catch (error) {
    // The run can't go on from its checkpoint (a corrupt or missing file): it fails, with the file named.
    services.runs.setStatus(runId, { status: 'failed', error: (error as Error).message });
    throw error;
  }
  const { rng, firstStep } = start;
  services.runs.setStatus(runId, { status: 'running', backend: options.backend.engine });
  // A KL term needs the policy the run started from, frozen.
  const reference = options.settings.klCoef > 0 ? frozenCopy(options.model) : undefined;
  try {
    for (let step = firstStep; step <= options.steps; step++) {
      const { metrics, trees, rewards } = await rlStep(
        {
          model: options.model,
          optimizer: options.optimizer,
          tokenizer: options.tokenizer,
          tools: options.tools,
          preset: options.preset,
          settings: options.settings,
          rollout: options.rollout,
          rng,
          reward: options.reward,
          reference,
          warn: options.warn,
          moreQuestions: options.moreQuestions && ((count) => options.moreQuestions!(step, count)),
        },
        options.questionsFor(step),
      );
      services.metrics.append(
        runId,
        Object.entries(metrics).map(([key, value]) => ({ key, step, value })),
      );
      services.rollouts.insertMany(
        trees.map((tree, q) => ({
          runId,
          step,
          question: tree.question.prompt,
          tree: treeRecord(tree, rewards[q]!, options.tokenizer),
          reward: rewards[q]!.reduce((a, b) => a + b, 0) / Math.max(1, rewards[q]!.length),
          toolCalls: tree.trajectories.reduce((n, t) => n + t.toolCalls, 0),
        })),
      );
      const every = options.checkpoints?.every ?? 0;
      if (options.checkpoints && (step % every === 0 || step === options.steps))
        checkpoint(services, runId, step, rng, options);
      options.onStep?.(step, metrics);
    }
    services.runs.setStatus(runId, { status: 'completed' });
  } catch (error) {
    services.runs.setStatus(runId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    reference?.dispose();
  }
}

/**
 * Writes the run's state after `step` (after the step's metrics and rollouts are committed) and records it. A run
 * resumed from here redoes the steps after it and draws the same random numbers, so it records what it would have.
 */
function checkpoint(services: Services, runId: number, step: number, rng: Rng, options: RlRunOptions): void {
  const { dir, appVersion } = options.checkpoints!;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `run-${runId}-step-${step}.ckpt`);
  let written: { bytes: number; sha256: string };
  try {
    written = saveCheckpoint(path, {
      model: options.model,
      tokenizer: options.tokenizer,
      optimizer: options.optimizer,
      meta: { runId, step, appVersion, createdAt: Date.now(), rngState: rng.state32 },
    });
  } catch (error) {
    throw new Error(`cannot write the checkpoint ${path}: ${(error as Error).message}`);
  }
  services.checkpoints.record({ runId, step, path, ...written });
}

/**
 * Loads the run's last checkpoint into the model and optimiser, drops what the run recorded after it (it is redone)
 * and marks the interrupted run. A corrupt or missing file fails with its name.
 */
function restore(services: Services, runId: number, options: RlRunOptions): { rng: Rng; firstStep: number } {
  const last = services.checkpoints.latest(runId);
  const run = services.runs.get(runId);
  if (run.status === 'running')
    services.runs.setStatus(runId, { status: 'failed', error: `interrupted; resuming from step ${last?.step ?? 0}` });
  if (services.runs.get(runId).status !== 'queued') services.runs.setStatus(runId, { status: 'queued' });
  if (!last) return { rng: new Rng(options.seed), firstStep: 1 };
  const saved = loadCheckpoint(last.path);
  try {
    loadWeights(options.model, weightSnapshot(saved.model));
    if (!saved.optimizerState) throw new Error(`${last.path} holds no optimiser state`);
    options.optimizer.load(saved.optimizerState);
  } finally {
    saved.model.dispose();
  }
  if (saved.meta.rngState === undefined) throw new Error(`${last.path} holds no random state`);
  services.metrics.deleteAfter(runId, last.step);
  services.rollouts.deleteAfter(runId, last.step);
  return { rng: Rng.fromState(saved.meta.rngState), firstStep: last.step + 1 };
}
