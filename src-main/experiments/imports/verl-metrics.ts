/**
 * verl's metric names and AEPO Lab's, one table both ways: imported verl logs chart and compare like local runs, and
 * names without an equivalent are kept as verl wrote them.
 */

/** verl name → AEPO Lab name (see rl/step.ts for ours). */
export const VERL_TO_LAB: Readonly<Record<string, string>> = {
  'critic/score/mean': 'reward/mean',
  'critic/score/std': 'reward/std',
  'actor/entropy': 'actor/entropy',
  'actor/pg_loss': 'actor/pg_loss',
  'actor/pg_clipfrac': 'actor/pg_clipfrac_upper',
  'actor/pg_clipfrac_lower': 'actor/pg_clipfrac_lower',
  'actor/ppo_kl': 'actor/ppo_kl',
  'actor/kl_loss': 'actor/ref_kl',
  'actor/grad_norm': 'actor/grad_norm',
  'response_length/mean': 'response_length/mean',
  'tool_call_counts/mean': 'tool_calls/mean',
  'timing_s/step': 'timing_s/step',
  'timing_s/gen': 'timing_s/rollout',
  'timing_s/update_actor': 'timing_s/update',
};

const LAB_TO_VERL: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(VERL_TO_LAB).map(([verl, lab]) => [lab, verl]),
);

export const labMetricName = (verl: string): string => VERL_TO_LAB[verl] ?? verl;
export const verlMetricName = (lab: string): string => LAB_TO_VERL[lab] ?? lab;
