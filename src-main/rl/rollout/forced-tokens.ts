/**
 * Tokens the engine writes into a trajectory that still enter the loss: the EOS forced when a trajectory asks for a
 * tool beyond the call limit (docs/algorithms.md, "Masks"). The released code trains on it, so it is trained on here
 * too, for every algorithm alike. The sampler never drew it, so its old log-prob and entropy are unknown (NaN) until
 * `scoreForcedTokens` scores them under the rollout policy, before any update.
 */
import type { RolloutTree, Trajectory } from './types';

/** Appends a token the policy did not draw but is trained on; `scoreForcedTokens` fills in its statistics. */
export function appendForced(t: Trajectory, token: number): void {
  t.tokens.push(token);
  t.mask.push(1);
  t.logp.push(NaN);
  t.entropy.push(NaN);
  t.stepOfToken.push(t.toolCalls);
}

/**
 * Scores every trajectory holding a forced token (one pass over those only: they are few) and writes the rollout
 * policy's log-prob and entropy at each forced position. `score` is the engine's, at the rollout temperature:
 * columns [B][W − 1], column c predicting token c + 1 of the prompt-and-response sequence.
 */
export async function scoreForcedTokens(
  trees: RolloutTree[],
  score: (sequences: number[][]) => Promise<{ logp: number[][]; entropy: number[][] }>,
): Promise<void> {
  const pending = trees.flatMap((tree) =>
    tree.trajectories.filter((t) => t.logp.some(Number.isNaN)).map((t) => ({ tree, t })),
  );
  if (pending.length === 0) return;
  const scored = await score(pending.map(({ tree, t }) => [...tree.promptTokens, ...t.tokens]));
  pending.forEach(({ tree, t }, row) => {
    t.logp.forEach((logp, i) => {
      if (!Number.isNaN(logp)) return;
      const column = tree.promptTokens.length + i - 1;
      t.logp[i] = scored.logp[row]![column]!;
      t.entropy[i] = scored.entropy[row]![column]!;
    });
  });
}
