/**
 * Runs RL steps for one run and records them: the run's status and tensor backend, every step's metrics under their
 * stable names, and every question's rollout tree (for the viewer). The wiring between the pure RL code and storage.
 */
import type { BackendChoice } from '../model/backend';
import type { AdamW } from '../model/optimizer';
import { Rng } from '../model/rng';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import { frozenCopy } from '../model/weights';
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
  services.runs.setStatus(runId, { status: 'running', backend: options.backend.engine });
  const rng = new Rng(options.seed);
  // A KL term needs the policy the run started from, frozen.
  const reference = options.settings.klCoef > 0 ? frozenCopy(options.model) : undefined;
  try {
    for (let step = 1; step <= options.steps; step++) {
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
