import { lastBoxed, tokenF1 } from '../benchmarks/metrics';

/**
 * The authors' hierarchical reward (docs/algorithms.md): −1 for a format violation; otherwise the answer's token F1 against the
 * gold aliases, plus 0.1 when the trajectory used both search and python (and F1 > 0).
 */

export interface RewardResult {
  reward: number;
  formatValid: boolean;
  /** Token F1 of the predicted answer, 0..1. */
  f1: number;
  prediction: string | null;
}

/**
 * The format the reward requires: ≥ 1 paired <think>…</think>, exactly one <answer>…</answer> holding a \boxed{},
 * and every <search>/<python> block closed and followed by a <result>…</result>.
 */
export function formatIsValid(response: string): boolean {
  const count = (tag: string) => response.split(tag).length - 1;
  if (count('<think>') < 1 || count('<think>') !== count('</think>')) return false;
  if (count('<answer>') !== 1 || count('</answer>') !== 1) return false;
  const answer = /<answer>([\s\S]*)<\/answer>/.exec(response)?.[1] ?? '';
  if (lastBoxed(answer) === null) return false;
  for (const tool of ['search', 'python']) {
    const calls = response.split(`<${tool}>`).slice(1);
    for (const rest of calls) {
      const close = rest.indexOf(`</${tool}>`);
      if (close < 0) return false;
      if (!/^\s*<result>[\s\S]*?<\/result>/.test(rest.slice(close + `</${tool}>`.length))) return false;
    }
  }
  return true;
}

export function hierarchicalReward(response: string, golds: readonly string[]): RewardResult {
  if (!formatIsValid(response)) return { reward: -1, formatValid: false, f1: 0, prediction: null };
  const answer = /<answer>([\s\S]*)<\/answer>/.exec(response)![1]!;
  const prediction = lastBoxed(answer)!;
  const f1 = tokenF1(prediction, golds);
  const bothTools = response.includes('</search>') && response.includes('</python>');
  return { reward: f1 > 0 && bothTools ? f1 + 0.1 : f1, formatValid: true, f1, prediction };
}
