/**
 * Named setting bundles (docs/algorithms.md, "Variants"): one algorithm id, two ways to run it. `paper` is the method
 * as the paper describes it (the algorithms' defaults); `released` is what the authors' released training scripts run.
 * For AEPO they differ: the scripts switch pre-monitoring off (fixed m) and the entropy-aware advantage never acts
 * (its entropy is only computed when an entropy bonus is set, and it is 0). A run's config names its variant under
 * `algorithmSettings.variant`; its own overrides apply on top. Exported tables name, per row, every setting that differs from
 * the algorithm's paper defaults (`settingsNote`).
 */
import { ALGORITHMS } from './algorithms/registry';
import type { AlgorithmId, AlgorithmSettings, SettingVariant } from './types';

const VARIANT_SETTINGS: Record<SettingVariant, Partial<Record<AlgorithmId, Partial<AlgorithmSettings>>>> = {
  paper: {},
  released: {
    aepo: { dynamicRollouts: false, entropyAdvCoef: 0 },
    aepo_rollout_only: { dynamicRollouts: false },
    aepo_update_only: { entropyAdvCoef: 0 },
  },
};

/**
 * A run config's `algorithmSettings` group: a variant and any settings over it. The branch probability's parameters are
 * overridden one by one (`algorithmSettings.branch.gamma` alone), every other setting whole.
 */
export type SettingOverrides = Partial<Omit<AlgorithmSettings, 'branch'>> & {
  branch?: Partial<AlgorithmSettings['branch']>;
  variant?: SettingVariant;
};

/**
 * The settings a run trains with: the algorithm's paper defaults, then its variant's bundle, then its own overrides. The
 * one place an algorithm's defaults and a run's overrides are merged, for local runs and cluster jobs alike.
 */
export function resolveSettings(algorithm: AlgorithmId, overrides: SettingOverrides = {}): AlgorithmSettings {
  const { variant = 'paper', branch, ...own } = overrides;
  const base = { ...ALGORITHMS[algorithm].defaults, ...VARIANT_SETTINGS[variant][algorithm] };
  return { ...base, ...own, branch: { ...base.branch, ...branch } };
}

const shown = (value: unknown) => (typeof value === 'object' ? JSON.stringify(value) : String(value));

/**
 * In words, what a run of `algorithm` with these overrides changes from the algorithm's paper defaults, e.g.
 * "released variant: dynamicRollouts false (paper: true), entropyAdvCoef 0 (paper: 0.2)"; null when nothing does, or
 * for a row that is no algorithm of this app (the base checkpoint, an outside model, an import).
 */
export function settingsNote(algorithm: string, overrides: SettingOverrides = {}): string | null {
  if (!(algorithm in ALGORITHMS)) return null;
  const id = algorithm as AlgorithmId;
  const paper = ALGORITHMS[id].defaults;
  const settings = resolveSettings(id, overrides);
  const changed = (Object.keys(paper) as (keyof AlgorithmSettings)[])
    .filter((key) => shown(settings[key]) !== shown(paper[key]))
    .map((key) => `${key} ${shown(settings[key])} (paper: ${shown(paper[key])})`);
  const variant = overrides.variant && overrides.variant !== 'paper' ? [`${overrides.variant} variant`] : [];
  if (changed.length === 0 && variant.length === 0) return null;
  return [...variant, changed.join(', ')].filter(Boolean).join(': ');
}
