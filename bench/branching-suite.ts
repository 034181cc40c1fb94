/**
 * Branching diagnostics of GRPO, ARPO and AEPO on a generated multi-hop suite (default mini-hotpotqa: two searches
 * per question), from a `tiny` policy cold-started on the suite's demonstrations. More tool calls per trajectory than
 * the toy task, so consecutive branching can happen at all. Run: `npm run bench:branching-suite` (SUITE, STEPS,
 * SFT_STEPS, PRESET=tiny|small to change; SEGMENT_ENTROPY=released-scale|released-top10|mean-normalized|sum-normalized to measure Ĥ
 * another way). Also reports the distributions of ΔH and of the branch probability at every branch decision. Prints
 * one JSON object on its last line.
 */
import * as tf from '@tensorflow/tfjs';
import { generateMiniSuite } from '../src-main/benchmarks/mini/suites';
import { selectBackend } from '../src-main/model/backend';
import { modelConfig } from '../src-main/model/config';
import { AdamW, policyStep } from '../src-main/model/optimizer';
import { Rng } from '../src-main/model/rng';
import { maskedMean } from '../src-main/model/scoring';
import { Tokenizer } from '../src-main/model/tokenizer';
import { Transformer } from '../src-main/model/transformer';
import { loadWeights, weightSnapshot } from '../src-main/model/weights';
import { ALGORITHMS } from '../src-main/rl/algorithms/registry';
import type { SegmentEntropyForm } from '../src-main/rl/branching';
import { DEFAULT_ROLLOUT_OPTIONS } from '../src-main/rl/rollout/engine';
import { rlStep } from '../src-main/rl/step';
import { BrowseTool } from '../src-main/tools/browse/browse-tool';
import { LocalIndex, SearchTool } from '../src-main/tools/search/search-tool';
import { ToyTools } from '../src-main/tools/toy';
import type { ToolSet } from '../src-main/tools/types';

const SUITE = process.env.SUITE ?? 'mini-hotpotqa';
const STEPS = Number(process.env.STEPS ?? 6);
const SFT_STEPS = Number(process.env.SFT_STEPS ?? 600);
const PRESET = (process.env.PRESET ?? 'tiny') as 'tiny' | 'small';
const SEGMENT_ENTROPY = process.env.SEGMENT_ENTROPY as SegmentEntropyForm | undefined;
const QUESTIONS = 8;

/** Quantiles and the shares pinned at 0 and at 1 of a list of numbers. */
function distribution(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 1000) / 1000;
  const share = (x: number) =>
    Math.round((values.filter((v) => v === x).length / Math.max(1, values.length)) * 1000) / 1000;
  return {
    n: values.length,
    min: at(0),
    p10: at(0.1),
    p50: at(0.5),
    p90: at(0.9),
    max: at(1 - 1e-9),
    at0: share(0),
    at1: share(1),
  };
}
const K = 8;

await selectBackend();
const suite = generateMiniSuite(SUITE, { train: 400, test: 50 });
const tokenizer = Tokenizer.train(
  suite.train.map((item) => item.demonstration),
  600,
);
const model = Transformer.create({ ...modelConfig(PRESET, tokenizer.vocabSize), contextLength: 320 }, 1);
const sft = new AdamW(model.variables(), { learningRate: 3e-3, weightDecay: 0 });
const demos = suite.train.map((item) => tokenizer.encode(item.demonstration).slice(0, 320));
const sftRng = new Rng(3);
for (let step = 0; step < SFT_STEPS; step++) {
  const batch = Array.from({ length: 8 }, () => demos[Math.floor(sftRng.next() * demos.length)]!);
  const { loss } = policyStep(model, sft, batch, ({ logp, mask }) => tf.neg(maskedMean(logp, mask)));
  if (step % 100 === 0) console.error(`cold start ${step}/${SFT_STEPS}: loss ${loss.toFixed(3)}`);
}
sft.dispose();

const search = new SearchTool([new LocalIndex(suite.documents)]);
const browse = new BrowseTool((url) => suite.pages[url]);
const python = new ToyTools();
const tools: ToolSet = {
  call: (tool, input) =>
    tool === 'search' ? search.run(input) : tool === 'browse' ? browse.run(input) : python.call(tool, input),
};
const questions = (step: number) =>
  suite.train
    .slice(step * QUESTIONS, (step + 1) * QUESTIONS)
    .map((item, i) => ({ id: `q${step}-${i}`, prompt: `Question: ${item.question}\n`, answers: item.answers }));

const start = weightSnapshot(model);
const report: Record<string, Record<string, unknown>> = {};
for (const id of ['grpo', 'arpo', 'aepo'] as const) {
  loadWeights(model, start);
  const algorithm = ALGORITHMS[id];
  const optimizer = new AdamW(model.variables(), { learningRate: 1e-4 });
  const rng = new Rng(1);
  const sums: Record<string, number> = {};
  const deltaH: number[] = [];
  const probability: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const { metrics, trees } = await rlStep(
      {
        model,
        optimizer,
        tokenizer,
        tools,
        algorithm,
        rng,
        settings: {
          ...algorithm.defaults,
          groupSize: K,
          globalSamples: K / 2,
          ...(SEGMENT_ENTROPY ? { segmentEntropy: SEGMENT_ENTROPY } : {}),
        },
        rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 240, toolCallLimit: 4 },
      },
      questions(step),
    );
    for (const decision of trees.flatMap((tree) => tree.decisions)) {
      deltaH.push(decision.deltaH);
      probability.push(decision.probability);
    }
    for (const key of [
      'rollout/branch_concentration',
      'rollout/consecutive_branch_share_per_path',
      'rollout/consecutive_growth_share',
      'rollout/branches_per_question',
      'rollout/global_samples',
      'tool_calls/mean',
      'reward/mean',
      'accuracy/mean',
    ]) {
      sums[key] = (sums[key] ?? 0) + metrics[key]! / STEPS;
    }
    console.error(
      `${id} step ${step + 1}/${STEPS}: tool calls ${metrics['tool_calls/mean']!.toFixed(2)}, branches/question ${metrics['rollout/branches_per_question']!.toFixed(2)}, accuracy ${metrics['accuracy/mean']!.toFixed(2)}`,
    );
  }
  optimizer.dispose();
  report[id] = {
    ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v * 1000) / 1000])),
    ...(id === 'grpo' ? {} : { deltaH: distribution(deltaH), branchProbability: distribution(probability) }),
  };
}
console.log(
  JSON.stringify({
    suite: SUITE,
    algorithm: PRESET,
    segmentEntropy: SEGMENT_ENTROPY ?? 'algorithm default',
    steps: STEPS,
    questions: QUESTIONS,
    k: K,
    sftSteps: SFT_STEPS,
    ...report,
  }),
);
