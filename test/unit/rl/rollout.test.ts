import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend';
import { Rng } from '../../../src-main/model/rng';
import { scoreTokens } from '../../../src-main/model/scoring';
import { SamplingSession } from '../../../src-main/model/session';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import {
  DEFAULT_ROLLOUT_OPTIONS,
  runRollouts,
  sampledTokens,
  type RolloutContext,
} from '../../../src-main/rl/rollout/engine';
import { scoreForcedTokens } from '../../../src-main/rl/rollout/forced-tokens';
import { ROLLOUT_STRATEGIES } from '../../../src-main/rl/rollout/strategies';
import type { RolloutTree } from '../../../src-main/rl/rollout/types';
import {
  arithmeticQuestions,
  toyTools,
  coldStartToyAgent,
  type AgentFixture,
} from '../../../src-main/experiments/execution/toy-task';

let agent: AgentFixture;
beforeAll(async () => {
  await selectBackend();
  agent = coldStartToyAgent();
});
afterAll(() => agent.model.dispose());

function context(
  algorithm: 'grpo' | 'arpo' | 'aepo',
  seed: number,
  overrides: Partial<RolloutContext['settings']> = {},
): RolloutContext {
  const chosen = ALGORITHMS[algorithm];
  const rng = new Rng(seed);
  return {
    openSession: (n) => new SamplingSession(agent.model, n),
    tokenizer: agent.tokenizer,
    tools: toyTools(),
    strategy: ROLLOUT_STRATEGIES[chosen.rollout],
    settings: { ...chosen.defaults, groupSize: 6, globalSamples: 2, ...overrides },
    options: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 80, toolCallLimit: 3 },
    random: () => rng.next(),
    contextLength: agent.model.config.contextLength,
  };
}

const summary = (trees: RolloutTree[]) =>
  trees.map((tree) => tree.trajectories.map((t) => [t.parent, t.tokens.join(',')]));

describe('rollout engine', () => {
  it("records each model-written token's log-prob and entropy as scoring gives them (the update's old policy)", async () => {
    const ctx = context('aepo', 4);
    ctx.options = { ...ctx.options, temperature: 0.8 };
    const trees = await runRollouts(ctx, arithmeticQuestions(2, 2));
    let compared = 0;
    for (const tree of trees)
      for (const t of tree.trajectories) {
        const start = tree.promptTokens.length;
        const scored = tf.tidy(() => {
          const s = scoreTokens(agent.model, [[...tree.promptTokens, ...t.tokens]], { temperature: 0.8 });
          return { logp: s.logp.arraySync()[0]!, entropy: s.entropy.arraySync()[0]! };
        });
        t.tokens.forEach((_, i) => {
          if (t.mask[i] !== 1) return;
          expect(Math.abs(t.logp[i]! - scored.logp[start + i - 1]!)).toBeLessThan(1e-4);
          expect(Math.abs(t.entropy[i]! - scored.entropy[start + i - 1]!)).toBeLessThan(1e-4);
          compared++;
        });
      }
    expect(compared).toBeGreaterThan(100);
    expect(trees.some((tree) => tree.trajectories.some((t) => t.parent !== null))).toBe(true); // branches too
  });

  it('runs multi-turn tool calls: results are appended, out of the loss, and the tool really answered', async () => {
    const trees = await runRollouts(context('grpo', 1), arithmeticQuestions(3, 1));
    const trajectories = trees.flatMap((t) => t.trajectories);
    const withTools = trajectories.filter((t) => t.toolCalls > 0);
    expect(withTools.length).toBeGreaterThan(0);
    const close = agent.tokenizer.idOf('</result>');
    const toolTags = ['</search>', '</python>', '</browse>'].map((tag) => agent.tokenizer.encode(tag)[0]!);
    for (const t of trajectories) {
      // What the engine appended after a tool call (up to </result>) is in the context but never in the loss.
      t.tokens.forEach((token, i) => {
        if (!toolTags.includes(token) || t.mask[i] !== 1) return;
        for (let j = i + 1; j < t.tokens.length; j++) {
          expect(t.mask[j], 'tool-result tokens never carry gradient').toBe(0);
          if (t.tokens[j] === close) break;
        }
      });
      expect(t.tokens.length).toBeLessThanOrEqual(80);
      expect(t.toolCalls).toBeLessThanOrEqual(3);
    }
    const text = agent.tokenizer.decode(withTools[0]!.tokens);
    expect(text).toMatch(/<python>[^<]*<\/python> <result>\n-?\d+\n<\/result>|<result>\nError/);
  });

  it('is reproducible for a seed', async () => {
    const questions = arithmeticQuestions(2, 4);
    expect(summary(await runRollouts(context('aepo', 9), questions))).toEqual(
      summary(await runRollouts(context('aepo', 9), questions)),
    );
    expect(summary(await runRollouts(context('aepo', 9), questions))).not.toEqual(
      summary(await runRollouts(context('aepo', 10), questions)),
    );
  });

  it('never exceeds k per question, and root, branched and fill samples add up to k', async () => {
    for (const algorithm of ['arpo', 'aepo'] as const) {
      const trees = await runRollouts(context(algorithm, 3, { dynamicRollouts: false }), arithmeticQuestions(4, 2));
      for (const tree of trees) {
        const branched = tree.trajectories.filter((t) => t.parent !== null).length;
        expect(tree.trajectories.length, algorithm).toBe(6);
        expect(tree.globalSamples).toBe(2);
        expect(tree.globalSamples + branched + tree.fills).toBe(tree.trajectories.length);
        for (const t of tree.trajectories.filter((x) => x.parent !== null)) {
          const parent = tree.trajectories[t.parent!]!;
          expect(t.tokens.slice(0, t.forkedAtToken!)).toEqual(parent.tokens.slice(0, t.forkedAtToken!));
          expect(agent.tokenizer.tokenText(t.tokens[t.forkedAtToken! - 1]!)).toBe('</result>'); // forked after a tool result
        }
      }
    }
  });

  it("AEPO's pre-monitoring sets m per question from the probe and the pilot", async () => {
    const trees = await runRollouts(context('aepo', 5, { dynamicRollouts: true }), arithmeticQuestions(3, 8));
    for (const tree of trees) {
      expect(tree.globalSamples).toBeGreaterThanOrEqual(1);
      expect(tree.globalSamples).toBeLessThanOrEqual(6);
      expect(tree.trajectories).toHaveLength(6);
      // The probe and the pilot cost tokens too: at least the pilot's first segment.
      expect(tree.pilotTokens).toBeGreaterThanOrEqual(
        tree.trajectories[0]!.segments[0]!.end - tree.trajectories[0]!.segments[0]!.start,
      );
    }
  });

  it('records every branch decision, and the forks taken match the probabilities drawn against', async () => {
    const trees = await runRollouts(context('arpo', 11, { groupSize: 8 }), arithmeticQuestions(24, 3));
    const decisions = trees.flatMap((tree) => tree.decisions);
    expect(decisions.length).toBeGreaterThan(60);
    for (const tree of trees) {
      // Each taken decision is exactly one fork, from that trajectory, at that token, in that iteration.
      const taken = tree.decisions.filter((d) => d.taken).map((d) => [d.trajectory, d.atToken, d.iteration]);
      const forks = tree.trajectories
        .filter((t) => t.parent !== null)
        .map((t) => [t.parent, t.forkedAtToken, t.forkedAtIteration]);
      expect(forks).toEqual(taken);
      for (const d of tree.decisions) {
        const t = tree.trajectories[d.trajectory]!;
        expect(d.probability).toBe(Math.min(1, Math.max(0, 0.5 + 0.2 * d.deltaH))); // ARPO's rule, as recorded
        expect(t.segments.some((s) => s.end <= d.atToken)).toBe(true);
      }
    }
    // A branch's shared prefix is sampled once: a step's generated tokens count each trajectory from its fork.
    const tree = trees.find((t) => t.trajectories.some((x) => x.parent !== null))!;
    const own = tree.trajectories.map((t) => t.mask.slice(t.forkedAtToken ?? 0).filter((m) => m === 1).length);
    expect(sampledTokens(tree)).toBe(own.reduce((a, b) => a + b, 0));
    expect(sampledTokens(tree)).toBeLessThan(
      tree.trajectories.reduce((n, t) => n + t.mask.filter((m) => m === 1).length, 0),
    );
    // The share taken matches the mean recorded probability within binomial error (4 standard deviations).
    const expected = decisions.reduce((n, d) => n + d.probability, 0);
    const sd = Math.sqrt(decisions.reduce((v, d) => v + d.probability * (1 - d.probability), 0));
    const taken = decisions.filter((d) => d.taken).length;
    expect(Math.abs(taken - expected), `${taken} taken, ${expected.toFixed(1)} expected`).toBeLessThanOrEqual(4 * sd);
  });

  it('trains on the EOS forced at the tool-call limit, with the rollout policy’s log-prob and entropy', async () => {
    const ctx = context('grpo', 2);
    ctx.options = { ...ctx.options, toolCallLimit: 1 };
    const trees = await runRollouts(ctx, arithmeticQuestions(6, 5));
    const limited = trees.flatMap((tree) => tree.trajectories.filter((t) => t.stopReason === 'tool_limit'));
    expect(limited.length).toBeGreaterThan(0);
    for (const t of limited) {
      expect(t.tokens.at(-1)).toBe(agent.tokenizer.idOf('<eos>'));
      expect(t.mask.at(-1)).toBe(1);
      expect(t.logp.at(-1)).toBeNaN(); // not drawn by the sampler: scored next
    }
    const score = async (sequences: number[][]) =>
      tf.tidy(() => {
        const s = scoreTokens(agent.model, sequences);
        return { logp: s.logp.arraySync(), entropy: s.entropy.arraySync() };
      });
    await scoreForcedTokens(trees, score);
    for (const tree of trees)
      for (const t of tree.trajectories) {
        expect(t.logp.some(Number.isNaN)).toBe(false);
        if (t.stopReason !== 'tool_limit') continue;
        const scored = await score([[...tree.promptTokens, ...t.tokens]]);
        const column = tree.promptTokens.length + t.tokens.length - 2;
        expect(t.logp.at(-1)).toBeCloseTo(scored.logp[0]![column]!, 5);
        expect(t.entropy.at(-1)).toBeCloseTo(scored.entropy[0]![column]!, 5);
        expect(t.logp.at(-1)!).toBeLessThan(0);
      }
  });
});
