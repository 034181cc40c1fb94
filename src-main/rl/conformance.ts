/**
 * The conformance contract (docs/algorithms.md, "The conformance command"): loss, per-token advantages and d loss / d logp for a given batch, AEPO's
 * pre-monitoring split and the ARPO/AEPO branch probabilities, computed by the very functions the trainer uses.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ADVANTAGE_ESTIMATORS, ALGORITHMS, POLICY_LOSSES } from './algorithms/registry';
import { aepoBranchProbability, arpoBranchProbability, premonitorGlobalSamples } from './branching';
import type { AlgorithmId, LossBatch, LossSettings } from './types';

const CONTRACT_ALGORITHMS = [
  'grpo',
  'dapo',
  'reinforce_pp',
  'gppo',
  'cispo',
  'arpo',
  'aepo',
] as const satisfies readonly AlgorithmId[];
const matrix = z.array(z.array(z.number()));

const lossCase = z.object({
  kind: z.literal('loss'),
  algorithm: z.enum(CONTRACT_ALGORITHMS),
  config: z.object({
    clip_low: z.number().min(0),
    clip_high: z.number().min(0),
    loss_agg: z.enum(['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum']),
    dual_clip_c: z.number().gt(1).nullable().optional(),
    kl_coef: z.number().optional(),
    entropy_adv_coef: z.number().optional(),
  }),
  batch: z.object({
    rewards: z.array(z.number()).min(1),
    group: z.array(z.union([z.string(), z.number()])),
    logp: matrix,
    old_logp: matrix,
    mask: matrix,
    entropy: matrix,
    ref_logp: matrix.optional(),
  }),
});

const premonitorCase = z.object({
  kind: z.literal('premonitor'),
  k: z.number().int().min(1),
  h_root: z.number(),
  h_tool: z.array(z.number()),
  beta: z.number(),
});

const branchCase = z.object({
  kind: z.literal('branch_probability'),
  algorithm: z.enum(['aepo', 'arpo']),
  delta_h: z.number(),
  consecutive: z.number().int().min(0),
  config: z.object({ tau: z.number(), gamma: z.number(), penalty: z.number() }),
});

export const conformanceCase = z.discriminatedUnion('kind', [lossCase, premonitorCase, branchCase]);
export type ConformanceCase = z.infer<typeof conformanceCase>;

/** A malformed case: which field, and why. */
export class ContractError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function checkShapes(batch: z.infer<typeof lossCase>['batch']): void {
  const rows = batch.rewards.length;
  const width = batch.logp[0]?.length ?? 0;
  const matrices: [string, number[][]][] = [
    ['logp', batch.logp],
    ['old_logp', batch.old_logp],
    ['mask', batch.mask],
    ['entropy', batch.entropy],
    ...(batch.ref_logp ? ([['ref_logp', batch.ref_logp]] as [string, number[][]][]) : []),
  ];
  if (batch.group.length !== rows)
    throw new ContractError('batch.group', `has ${batch.group.length} entries for ${rows} rewards`);
  for (const [field, m] of matrices) {
    if (m.length !== rows) throw new ContractError(`batch.${field}`, `has ${m.length} rows for ${rows} rewards`);
    m.forEach((row, i) => {
      if (row.length !== width)
        throw new ContractError(`batch.${field}[${i}]`, `has ${row.length} tokens, batch.logp[0] has ${width}`);
    });
  }
}

function evaluateLoss(c: z.infer<typeof lossCase>) {
  checkShapes(c.batch);
  const chosen = ALGORITHMS[c.algorithm];
  const config: LossSettings = {
    clipLow: c.config.clip_low,
    clipHigh: c.config.clip_high,
    dualClipC: c.config.dual_clip_c ?? null,
    lossAgg: c.config.loss_agg,
    klCoef: c.config.kl_coef ?? 0,
  };
  const advantages = ADVANTAGE_ESTIMATORS[chosen.advantage](
    { rewards: c.batch.rewards, groups: c.batch.group, mask: c.batch.mask, entropy: c.batch.entropy },
    {
      entropyAdvCoef: c.config.entropy_adv_coef ?? chosen.defaults.entropyAdvCoef,
      stepAdvWeight: chosen.defaults.stepAdvWeight,
      stepDiscount: chosen.defaults.stepDiscount,
      klInReward: false,
      klCoef: config.klCoef,
    },
  );
  const lossOf = (logp: tf.Tensor) => {
    const batch: LossBatch = {
      logp: logp as tf.Tensor2D,
      oldLogp: c.batch.old_logp,
      advantages,
      mask: c.batch.mask,
      refLogp: c.batch.ref_logp,
    };
    return POLICY_LOSSES[chosen.loss](batch, config).loss;
  };
  return tf.tidy(() => {
    const logp = tf.tensor2d(c.batch.logp);
    const { value, grad } = tf.valueAndGrad(lossOf)(logp);
    return { loss: value.dataSync()[0]!, advantages, grad_logp: grad.arraySync() as number[][] };
  });
}

export function evaluateCase(c: ConformanceCase) {
  switch (c.kind) {
    case 'loss':
      return evaluateLoss(c);
    case 'premonitor':
      return { m: premonitorGlobalSamples(c.k, c.h_root, c.h_tool, c.beta) };
    case 'branch_probability':
      return {
        p:
          c.algorithm === 'aepo'
            ? aepoBranchProbability(c.delta_h, c.consecutive, c.config)
            : arpoBranchProbability(c.delta_h, c.config),
      };
  }
}

/** Parses and evaluates one case, or an array of them; errors name the offending field (with its index in an array). */
export function runConformance(input: unknown): unknown {
  const one = (raw: unknown, prefix: string) => {
    const parsed = conformanceCase.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ContractError(
        prefix +
          issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, ''),
        issue.message,
      );
    }
    try {
      return evaluateCase(parsed.data);
    } catch (error) {
      if (error instanceof ContractError) throw new ContractError(prefix + error.field, error.message);
      throw error;
    }
  };
  return Array.isArray(input) ? input.map((raw, i) => one(raw, `[${i}].`)) : one(input, '');
}
