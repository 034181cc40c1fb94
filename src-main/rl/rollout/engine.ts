/**
 * The multi-turn rollout engine (docs/algorithms.md). Every iteration all active trajectories generate their next segment
 * together, stopping at a closing tool tag, EOS or the length budget; the requested tools run; their results are
 * appended as " <result>\n…\n</result>" with loss mask 0; then the strategy decides which trajectories fork, and
 * questions with nothing left running get a fresh root sample until each has k trajectories.
 */
import type { SamplingSession } from '../../model/session';
import type { Tokenizer } from '../../model/tokenizer';
import type { ToolName, ToolSet } from '../../tools/types';
import { meanToolEntropy, measureSegmentEntropy, usesTopEntropy } from '../branching';
import type { AlgorithmSettings } from '../types';
import { appendForced } from './forced-tokens';
import type { PremonitorReading, RolloutStrategy } from './strategies';
import type { RolloutQuestion, RolloutTree, Trajectory } from './types';

export interface RolloutOptions {
  /** Response tokens per trajectory, tool results included. */
  maxResponseTokens: number;
  toolCallLimit: number;
  temperature: number;
  topP?: number;
  /** J: generated tokens per segment that count towards Ĥ. */
  entropyTokens: number;
  /** Length of AEPO's pre-monitoring probe. */
  probeTokens: number;
}

export const DEFAULT_ROLLOUT_OPTIONS: RolloutOptions = {
  maxResponseTokens: 256,
  toolCallLimit: 6,
  temperature: 1,
  entropyTokens: 20,
  probeTokens: 50,
};

export interface RolloutContext {
  /** Opens a sampling session of the given number of sequences on the current policy. */
  openSession(sequences: number): SamplingSession;
  tokenizer: Tokenizer;
  tools: ToolSet;
  strategy: RolloutStrategy;
  settings: AlgorithmSettings;
  options: RolloutOptions;
  /** Uniform draws for branching, and seeds for sampling: a seeded rollout is reproducible. */
  random: () => number;
  contextLength: number;
}

const TOOL_TAGS: Record<string, ToolName> = { '</search>': 'search', '</python>': 'python', '</browse>': 'browse' };

function newTrajectory(id: number, slot: number): Trajectory {
  return {
    id,
    slot,
    parent: null,
    forkedAtToken: null,
    forkedAtIteration: null,
    tokens: [],
    mask: [],
    logp: [],
    entropy: [],
    stepOfToken: [],
    anchorKeys: [],
    segments: [],
    initialEntropy: null,
    toolCalls: 0,
    toolsUsed: [],
    branchIterations: [],
    done: false,
    stopReason: null,
  };
}

function forkOf(source: Trajectory, id: number, slot: number, iteration: number): Trajectory {
  return {
    ...newTrajectory(id, slot),
    parent: source.id,
    forkedAtToken: source.tokens.length,
    forkedAtIteration: iteration,
    tokens: [...source.tokens],
    mask: [...source.mask],
    logp: [...source.logp],
    entropy: [...source.entropy],
    stepOfToken: [...source.stepOfToken],
    anchorKeys: [...source.anchorKeys],
    segments: [...source.segments],
    toolCalls: source.toolCalls,
    toolsUsed: [...source.toolsUsed],
  };
}

/** Appends system-written tokens (a tool result): in the context, out of the loss. */
function appendUnlearned(t: Trajectory, tokens: number[]): void {
  for (const token of tokens) {
    t.tokens.push(token);
    t.mask.push(0);
    t.logp.push(0);
    t.entropy.push(0);
    t.stepOfToken.push(t.toolCalls);
  }
}

export async function runRollouts(ctx: RolloutContext, questions: RolloutQuestion[]): Promise<RolloutTree[]> {
  const k = ctx.settings.groupSize;
  const prompts = questions.map((q) => ctx.tokenizer.encode(q.prompt));
  const readings = ctx.strategy.needsPremonitor(ctx.settings) ? await premonitor(ctx, questions, prompts) : null;
  const session = ctx.openSession(questions.length * k);
  try {
    const trees: RolloutTree[] = questions.map((question, q) => ({
      question,
      promptTokens: prompts[q]!,
      trajectories: [],
      globalSamples: ctx.strategy.globalSamples(ctx.settings, readings?.[q] ?? null),
      fills: 0,
      growthIterations: [],
      decisions: [],
      premonitor: readings ? premonitorRecord(readings[q]!) : null,
      pilotTokens: readings?.[q]?.sampledTokens ?? 0,
    }));
    const addRoot = (q: number) => {
      const tree = trees[q]!;
      const t = newTrajectory(tree.trajectories.length, q * k + tree.trajectories.length);
      t.anchorKeys.push(tree.question.id);
      tree.trajectories.push(t);
      return t;
    };
    const roots = trees.flatMap((tree, q) => Array.from({ length: tree.globalSamples }, () => addRoot(q)));
    await extendWithPrompts(session, questions.length * k, roots, (t) => prompts[Math.floor(t.slot / k)]!);
    const consecutive = questions.map(() => 0);

    for (let iteration = 0; iteration < 10_000; iteration++) {
      const active = trees.flatMap((tree) => tree.trajectories.filter((t) => !t.done));
      if (active.length === 0) break;
      const toolCalled = await advance(ctx, session, trees, active, k);
      const grew = questions.map(() => false);
      for (const [q, tree] of trees.entries()) {
        for (const t of toolCalled.filter((c) => Math.floor(c.slot / k) === q)) {
          for (let z = 1; z < ctx.settings.beamSize && tree.trajectories.length < k; z++) {
            const deltaH = (t.segments.at(-1)?.entropy ?? 0) - (t.initialEntropy ?? 0);
            const probability = ctx.strategy.branchProbability(deltaH, consecutive[q]!, ctx.settings);
            const taken = ctx.random() < probability;
            tree.decisions.push({ iteration, trajectory: t.id, atToken: t.tokens.length, deltaH, probability, taken });
            if (!taken) continue;
            const copy = forkOf(t, tree.trajectories.length, q * k + tree.trajectories.length, iteration);
            session.fork(t.slot, copy.slot);
            tree.trajectories.push(copy);
            t.branchIterations.push(iteration);
            grew[q] = true;
          }
        }
        if (tree.trajectories.every((t) => t.done) && tree.trajectories.length < k) {
          const fresh = addRoot(q);
          await extendWithPrompts(session, questions.length * k, [fresh], () => tree.promptTokens);
          tree.fills++;
          grew[q] = true;
        }
      }
      // l_q counts consecutive iterations in which question q grew its tree; untouched when nothing grew anywhere.
      if (grew.some(Boolean)) grew.forEach((g, q) => (consecutive[q] = g ? consecutive[q]! + 1 : 0));
      grew.forEach((g, q) => g && trees[q]!.growthIterations.push(iteration));
    }
    return trees;
  } finally {
    session.dispose();
  }
}

const premonitorRecord = ({ hRoot, hTool }: PremonitorReading) => ({ hRoot, hToolMean: meanToolEntropy(hRoot, hTool) });

async function extendWithPrompts(
  session: SamplingSession,
  size: number,
  trajectories: Trajectory[],
  prompt: (t: Trajectory) => number[],
): Promise<void> {
  const chunks: (number[] | null)[] = Array.from({ length: size }, () => null);
  for (const t of trajectories) chunks[t.slot] = prompt(t);
  await session.extend(chunks);
}

/**
 * One iteration for the active trajectories: generate a segment each, then run their tool calls (in parallel) and
 * append the results. Returns the trajectories that called a tool and are still running (the branching candidates).
 */
async function advance(
  ctx: RolloutContext,
  session: SamplingSession,
  trees: RolloutTree[],
  active: Trajectory[],
  k: number,
): Promise<Trajectory[]> {
  const { tokenizer, options } = ctx;
  const eos = tokenizer.idOf('<eos>');
  const closing = Object.keys(TOOL_TAGS).map((tag) => tokenizer.encode(tag)[0]!);
  const budget = Math.max(...active.map((t) => options.maxResponseTokens - t.tokens.length));
  const generations = await session.generate(
    active.map((t) => t.slot),
    {
      maxTokens: Math.max(1, budget),
      temperature: options.temperature,
      topP: options.topP,
      topEntropyIds: usesTopEntropy(ctx.settings.segmentEntropy) ? 10 : 0,
      stopIds: [eos, ...closing],
      seed: Math.floor(ctx.random() * 2 ** 31),
    },
  );
  const calls: Promise<void>[] = [];
  const called: Trajectory[] = [];
  const results: (number[] | null)[] = Array.from({ length: session.batchSize }, () => null);
  active.forEach((t, i) => {
    const room = options.maxResponseTokens - t.tokens.length;
    const tokens = generations[i]!.tokens.slice(0, room);
    const start = t.tokens.length;
    for (const token of tokens) {
      t.tokens.push(token.id);
      t.mask.push(1);
      t.logp.push(token.logp);
      t.entropy.push(token.entropy);
      t.stepOfToken.push(t.toolCalls);
    }
    const entropy = measureSegmentEntropy(
      tokens,
      tokenizer.vocabSize,
      options.entropyTokens,
      ctx.settings.segmentEntropy,
    );
    t.segments.push({ start, end: t.tokens.length, entropy });
    t.initialEntropy ??= entropy;
    const last = tokens.at(-1)?.id;
    const tool = last === undefined ? undefined : TOOL_TAGS[tokenizer.tokenText(last)];
    if (last === eos) return finish(t, 'eos');
    if (t.tokens.length >= options.maxResponseTokens) return finish(t, 'length');
    if (!tool) return finish(t, generations[i]!.reason === 'context' ? 'context' : 'length');
    if (t.toolCalls >= options.toolCallLimit) {
      appendForced(t, eos); // trained on, as in the released code (forced-tokens.ts)
      return finish(t, 'tool_limit');
    }
    const query = toolInput(tokenizer, t.tokens.slice(start), tool);
    if (!query) return finish(t, 'empty_tool');
    const tree = trees[Math.floor(t.slot / k)]!;
    calls.push(
      ctx.tools.call(tool, query).then((result) => {
        const text = ` <result>\n${result.output}\n</result>`;
        const resultTokens = tokenizer.encode(text);
        const promptLength = tree.promptTokens.length;
        if (
          t.tokens.length + resultTokens.length >= options.maxResponseTokens ||
          promptLength + t.tokens.length + resultTokens.length >= ctx.contextLength
        ) {
          return finish(t, 'length');
        }
        t.toolCalls++;
        t.toolsUsed.push(tool);
        appendUnlearned(t, resultTokens);
        t.anchorKeys.push(`${t.anchorKeys.at(-1)}\u0000${tool}:${query}\u0000${result.output}`);
        results[t.slot] = resultTokens;
        called.push(t);
      }),
    );
  });
  await Promise.all(calls);
  await session.extend(results);
  // Tools finish in any order; the branching that follows must not depend on which came back first.
  return called.sort((a, b) => a.slot - b.slot);
}

function finish(t: Trajectory, reason: Trajectory['stopReason']): void {
  t.done = true;
  t.stopReason = reason;
}

/** The text between the last opening tag of `tool` and its closing tag, in this segment; '' if there is none. */
function toolInput(tokenizer: Tokenizer, segment: number[], tool: ToolName): string {
  const open = tokenizer.encode(`<${tool}>`)[0]!;
  const at = segment.lastIndexOf(open);
  if (at < 0) return '';
  return tokenizer.decode(segment.slice(at + 1, -1)).trim();
}

/**
 * AEPO's entropy pre-monitoring: per question, a probe of up to `probeTokens` tokens from the question
 * (H_root = Ĥ of its first tokens) and one complete pilot trajectory with real tools (H_tool = Ĥ of every segment).
 * The pilots are thrown away.
 */
async function premonitor(
  ctx: RolloutContext,
  questions: RolloutQuestion[],
  prompts: number[][],
): Promise<PremonitorReading[]> {
  const probe = ctx.openSession(questions.length);
  let hRoot: number[];
  let probeLengths: number[];
  try {
    await probe.extend(prompts);
    const closing = Object.keys(TOOL_TAGS).map((tag) => ctx.tokenizer.encode(tag)[0]!);
    const generations = await probe.generate(
      questions.map((_, i) => i),
      {
        maxTokens: ctx.options.probeTokens,
        temperature: ctx.options.temperature,
        topEntropyIds: usesTopEntropy(ctx.settings.segmentEntropy) ? 10 : 0,
        stopIds: [ctx.tokenizer.idOf('<eos>'), ...closing],
        seed: Math.floor(ctx.random() * 2 ** 31),
      },
    );
    probeLengths = generations.map((g) => g.tokens.length);
    hRoot = generations.map((g) =>
      measureSegmentEntropy(g.tokens, ctx.tokenizer.vocabSize, ctx.options.entropyTokens, ctx.settings.segmentEntropy),
    );
  } finally {
    probe.dispose();
  }
  const pilotStrategy: RolloutStrategy = {
    needsPremonitor: () => false,
    globalSamples: () => 1,
    branchProbability: () => 0,
  };
  const pilots = await runRollouts(
    { ...ctx, strategy: pilotStrategy, settings: { ...ctx.settings, groupSize: 1 } },
    questions,
  );
  return pilots.map((tree, q) => ({
    hRoot: hRoot[q]!,
    hTool: tree.trajectories[0]!.segments.map((s) => s.entropy),
    sampledTokens: probeLengths[q]! + sampledTokens(tree),
  }));
}

/** Tokens the policy sampled for one tree: each trajectory's own (a branch's shared prefix counted once), plus pilots. */
export function sampledTokens(tree: RolloutTree): number {
  let n = tree.pilotTokens;
  for (const t of tree.trajectories) for (let i = t.forkedAtToken ?? 0; i < t.mask.length; i++) n += t.mask[i]!;
  return n;
}
