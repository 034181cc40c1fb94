/**
 * Which code base runs each algorithm on a Ray cluster, with which entrypoint, and how a run's typed config becomes
 * that entrypoint's Hydra overrides. docs/clusters.md prints this table (`aepo-lab cluster algorithms` too). An
 * algorithm with no faithful implementation is refused, never run under its name with something else.
 */
import { resolveSettings } from '../../rl/variants';
import type { AlgorithmId, AlgorithmSettings } from '../../rl/types';
import type { RunConfig } from '../plan/run-config';

export interface LaunchRecipe {
  /** The code base the job runs, as a person names it. */
  codeBase: string;
  repository: string;
  /** The module verl is started with. */
  entrypoint: string;
  /** The overrides that make it this algorithm. */
  overrides: (settings: AlgorithmSettings, config: RunConfig) => string[];
  /** What a reader must know: where the code base differs from AEPO Lab's implementation. */
  note: string;
}

const VERL = 'https://github.com/volcengine/verl';
const AUTHORS_FORK = 'https://github.com/dongguanting/ARPO';
const MAIN_PPO = 'python3 -m verl.trainer.main_ppo';

const branching = (s: AlgorithmSettings) => [
  `actor_rollout_ref.rollout.initial_rollouts=${s.globalSamples}`,
  `actor_rollout_ref.rollout.beam_size=${s.beamSize}`,
  `actor_rollout_ref.rollout.branch_probability=${s.branch.tau}`,
  `actor_rollout_ref.rollout.entropy_weight=${s.branch.gamma}`,
];

/**
 * The DAPO recipe's switches (DAPO, and GPPO as Klear-Reasoner ran it): group filtering on the unshaped reward
 * (`score`, the reward function's value before the overlong penalty), and the overlong buffer.
 */
const dapoRecipe = (s: AlgorithmSettings, config: RunConfig) => [
  'algorithm.adv_estimator=grpo',
  `algorithm.filter_groups.enable=${py(s.dynamicSampling)}`,
  'algorithm.filter_groups.metric=score',
  `algorithm.filter_groups.max_num_gen_batches=${s.maxGenerationBatches}`,
  'reward_model.reward_manager=dapo',
  `reward_model.overlong_buffer.enable=${py(s.overlongShaping !== null)}`,
  ...(s.overlongShaping
    ? [
        `reward_model.overlong_buffer.len=${Math.round(config.rollout.maxResponseTokens * s.overlongShaping.bufferFraction)}`,
        `reward_model.overlong_buffer.penalty_factor=${s.overlongShaping.penalty}`,
      ]
    : []),
];

/** Per algorithm: a recipe, or the reason it is refused. */
export const LAUNCH_TABLE: Record<AlgorithmId, LaunchRecipe | { refused: string }> = {
  grpo: {
    codeBase: 'upstream verl',
    repository: VERL,
    entrypoint: MAIN_PPO,
    overrides: () => ['algorithm.adv_estimator=grpo'],
    note: 'verl computes the group baseline over responses of the same prompt uid, as AEPO Lab does.',
  },
  dapo: {
    codeBase: 'upstream verl, DAPO recipe',
    repository: 'https://github.com/verl-project/verl-recipe',
    entrypoint: 'python3 -m recipe.dapo.main_dapo',
    overrides: dapoRecipe,
    note: 'The overlong buffer is the buffer fraction of the response budget, in tokens.',
  },
  reinforce_pp: {
    codeBase: 'upstream verl',
    repository: VERL,
    entrypoint: MAIN_PPO,
    overrides: () => ['algorithm.adv_estimator=reinforce_plus_plus'],
    note: 'Batch-level whitening of the returns, no group baseline (verl `reinforce_plus_plus`).',
  },
  cispo: {
    codeBase: 'upstream verl',
    repository: VERL,
    entrypoint: MAIN_PPO,
    overrides: () => ['algorithm.adv_estimator=grpo', 'actor_rollout_ref.actor.policy_loss.loss_mode=cispo'],
    note: 'Needs a verl release with `policy_loss.loss_mode` (0.5 or later).',
  },
  gppo: {
    codeBase: 'Klear-Reasoner (Kwai-Klear) verl fork',
    repository: 'https://github.com/Kwai-Klear/KlearReasoner',
    entrypoint: 'python3 -m recipe.dapo.src.main_dapo',
    overrides: dapoRecipe,
    note: "The released configuration: the fork's policy loss is GPPO (`compute_gppo_loss`) inside the DAPO recipe (group filtering, overlong buffer, dual clip c = 10), so only the loss differs from DAPO.",
  },
  gigpo: {
    codeBase: "verl-agent, the GiGPO authors'",
    repository: 'https://github.com/langfengQ/verl-agent',
    entrypoint: MAIN_PPO,
    overrides: (s) => [
      'algorithm.adv_estimator=gigpo',
      `algorithm.gamma=${s.stepDiscount}`,
      `algorithm.gigpo.step_advantage_w=${s.stepAdvWeight}`,
    ],
    note: "Anchor states are verl-agent's environment observations; how the AEPO paper grouped search steps is not published.",
  },
  arpo: {
    codeBase: "the authors' verl fork, ARPO/verl_arpo_entropy",
    repository: AUTHORS_FORK,
    entrypoint: MAIN_PPO,
    overrides: (s) => ['algorithm.adv_estimator=grpo', ...branching(s)],
    note: 'Entropy-triggered branching after tool calls; no consecutive-branch penalty (docs/algorithms.md).',
  },
  aepo: {
    codeBase: "the authors' verl fork, AEPO/verl_aepo_entropy",
    repository: AUTHORS_FORK,
    entrypoint: MAIN_PPO,
    overrides: (s) => [
      'algorithm.adv_estimator=grpo',
      ...branching(s),
      `actor_rollout_ref.rollout.enable_dynamic_rollouts=${py(s.dynamicRollouts)}`,
      'actor_rollout_ref.actor.enable_entropy_balanced_clipping=True',
    ],
    note:
      'The released code computes the entropy-aware advantage only when `entropy_coeff` ≠ 0 (docs/algorithms.md); ' +
      'the job runs the released code as it is, so that term is off there.',
  },
  aepo_rollout_only: {
    refused: "an ablation of this app's AEPO; the authors' fork has no switch set that is known to reproduce it",
  },
  aepo_update_only: {
    refused: "an ablation of this app's AEPO; the authors' fork has no switch set that is known to reproduce it",
  },
};

/** Python's spelling of a boolean, as Hydra reads it. */
function py(value: boolean): string {
  return value ? 'True' : 'False';
}

export interface ClusterShape {
  /** A Hugging Face model id or a path on the cluster. */
  model: string;
  nodes: number;
  gpusPerNode: number;
}

/** The overrides every algorithm shares: data, model, batch, optimiser, clipping, KL, logging. */
export function sharedOverrides(
  run: { id: number; experimentId: number | null; benchmark: string },
  settings: AlgorithmSettings,
  config: RunConfig,
  shape: ClusterShape,
): string[] {
  const questions = config.training.questionsPerStep;
  const kl = settings.klCoef > 0;
  return [
    `data.train_files=aepo_lab/data/train.parquet`,
    `data.val_files=aepo_lab/data/test.parquet`,
    `data.train_batch_size=${questions}`,
    `data.max_response_length=${config.rollout.maxResponseTokens}`,
    `actor_rollout_ref.model.path=${shape.model}`,
    `actor_rollout_ref.rollout.n=${settings.groupSize}`,
    `actor_rollout_ref.rollout.temperature=${config.rollout.temperature}`,
    `actor_rollout_ref.rollout.top_p=${config.rollout.topP}`,
    `actor_rollout_ref.actor.ppo_mini_batch_size=${Math.max(1, Math.ceil(questions / settings.updatesPerBatch))}`,
    `actor_rollout_ref.actor.ppo_epochs=${settings.ppoEpochs}`,
    `actor_rollout_ref.actor.optim.lr=${config.optimizer.learningRate}`,
    `actor_rollout_ref.actor.optim.weight_decay=${config.optimizer.weightDecay}`,
    `actor_rollout_ref.actor.grad_clip=${config.optimizer.maxGradNorm}`,
    `actor_rollout_ref.actor.clip_ratio_low=${settings.clipLow}`,
    `actor_rollout_ref.actor.clip_ratio_high=${settings.clipHigh}`,
    // verl always applies its dual clip; "off" is an unreachable bound.
    `actor_rollout_ref.actor.clip_ratio_c=${settings.dualClipC ?? 1e9}`,
    `actor_rollout_ref.actor.loss_agg_mode=${settings.lossAgg}`,
    `actor_rollout_ref.actor.entropy_coeff=0`,
    `actor_rollout_ref.actor.use_kl_loss=${py(kl && !settings.klInReward)}`,
    `actor_rollout_ref.actor.kl_loss_coef=${kl && !settings.klInReward ? settings.klCoef : 0}`,
    `algorithm.use_kl_in_reward=${py(kl && settings.klInReward)}`,
    `algorithm.kl_ctrl.kl_coef=${kl && settings.klInReward ? settings.klCoef : 0}`,
    'custom_reward_function.path=aepo_lab/reward.py',
    'custom_reward_function.name=compute_score',
    `trainer.total_training_steps=${config.training.steps}`,
    // One validation, at the end, as the local job evaluates: its accuracy becomes the run's Pass@1 and Pass@k.
    'trainer.val_before_train=False',
    `trainer.test_freq=${config.training.steps}`,
    `actor_rollout_ref.rollout.val_kwargs.n=${config.evaluation.samples}`,
    'actor_rollout_ref.rollout.val_kwargs.do_sample=True',
    `actor_rollout_ref.rollout.val_kwargs.temperature=${config.evaluation.temperature}`,
    "trainer.logger=['console','file']",
    `trainer.project_name=aepo-lab-experiment-${run.experimentId ?? 'none'}`,
    `trainer.experiment_name=run-${run.id}`,
    `trainer.nnodes=${shape.nodes}`,
    `trainer.n_gpus_per_node=${shape.gpusPerNode}`,
  ];
}

/** The algorithm's effective settings: its preset's defaults under the run's overrides, as a local run uses them. */
export function effectiveSettings(algorithm: AlgorithmId, config: RunConfig): AlgorithmSettings {
  return resolveSettings(algorithm, config.algorithmSettings);
}

/** Quotes one shell word for the entrypoint (Ray runs it through a shell). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./=:,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
