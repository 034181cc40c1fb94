/**
 * REINFORCE++ (Hu, 2025): critic-free like GRPO but without the group baseline.
 *
 * Each token's return is the outcome reward received at the last token (minus per-token KL shaping when a KL
 * coefficient is set with `klInReward`; none by default), and the returns are whitened over **all loss tokens of the batch**:
 * A = (G − mean) / √(var_unbiased + 1e-8). The update is PPO-clip. (verl: `reinforce_plus_plus`.)
 * The seventh AEPO baseline is most likely REINFORCE++, but no source names it for AEPO (docs/algorithms.md).
 */
import { broadcast, mean } from '../advantages';
import { BASE_SETTINGS } from '../defaults';
import type { AdvantageEstimator, AdvantageInput, AdvantageSettings, Algorithm } from '../types';

const WHITEN_EPS = 1e-8;

/**
 * Token returns: the outcome reward at the last loss token; with `klInReward`, each token's reward also carries
 * −β·(log π_old − log π_ref), and a token's return sums the rewards from it to the end (γ = 1), as verl's
 * `compute_reinforce_plus_plus_outcome_advantage` does with token-level rewards.
 */
function tokenReturns(input: AdvantageInput, settings: AdvantageSettings): number[][] {
  if (!settings.klInReward || !input.klPerToken) return broadcast(input.rewards, input.mask);
  return input.mask.map((row, b) => {
    const returns = new Array<number>(row.length).fill(0);
    const last = row.lastIndexOf(1);
    let running = 0;
    for (let t = row.length - 1; t >= 0; t--) {
      if (!row[t]) continue;
      running += -settings.klCoef * input.klPerToken![b]![t]! + (t === last ? input.rewards[b]! : 0);
      returns[t] = running;
    }
    return returns;
  });
}

export const reinforcePlusPlusAdvantage: AdvantageEstimator = (input, settings) => {
  const returns = tokenReturns(input, settings);
  const values = returns.flatMap((row, b) => row.filter((_, t) => input.mask[b]![t]));
  const m = mean(values);
  const variance = values.length < 2 ? 0 : values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1);
  const scale = 1 / Math.sqrt(variance + WHITEN_EPS);
  return returns.map((row, b) => row.map((x, t) => (input.mask[b]![t] ? (x - m) * scale : 0)));
};

export const reinforcePP: Algorithm = {
  id: 'reinforce_pp',
  label: 'REINFORCE++',
  fullName: 'REINFORCE++',
  citation: {
    title: 'REINFORCE++: A Simple and Efficient Approach for Aligning Large Language Models',
    authors: 'Hu',
    arxiv: '2501.03262',
    year: 2025,
  },
  advantage: 'reinforce_pp',
  loss: 'ppo_clip',
  rollout: 'independent',
  defaults: BASE_SETTINGS,
};
