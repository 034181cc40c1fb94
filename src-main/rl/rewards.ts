/**
 * The authors' hierarchical reward (spec §3.4): −1 for a format violation; otherwise the answer's token F1 against the
 * gold aliases, plus 0.1 when the trajectory used both search and python (and F1 > 0).
 */

export interface RewardResult {
  reward: number;
  formatValid: boolean;
  /** Token F1 of the predicted answer, 0..1. */
  f1: number;
  prediction: string | null;
}

/** SQuAD normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** SQuAD token F1, maximised over the gold aliases; yes/no/noanswer must match exactly. */
export function tokenF1(prediction: string, golds: readonly string[]): number {
  const predicted = normalizeAnswer(prediction);
  let best = 0;
  for (const gold of golds) {
    const truth = normalizeAnswer(gold);
    if (['yes', 'no', 'noanswer'].some((s) => s === predicted || s === truth) && predicted !== truth) continue;
    const p = predicted.split(' ').filter(Boolean);
    const g = truth.split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
    let common = 0;
    for (const w of p) {
      const n = counts.get(w) ?? 0;
      if (n > 0) {
        common++;
        counts.set(w, n - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / p.length;
    const recall = common / g.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/** Content of the last \boxed{…} (balanced braces), or null. */
export function lastBoxed(text: string): string | null {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return null;
  let depth = 0;
  for (let i = start + '\\boxed'.length; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start + '\\boxed{'.length, i);
  }
  return null;
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
