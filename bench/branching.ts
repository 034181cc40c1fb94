/**
 * Branching diagnostics of GRPO, ARPO and AEPO on the toy tool task: branch concentration (share of branches on the
 * 3 most-branched trajectories of a question; the paper reports 93.4 % for ARPO) and consecutive-branch share (56.5 %
 * for ARPO), averaged over a short run. Run: `npm run bench:branching`. Prints one JSON object on its last line.
 */
import { selectBackend } from '../src-main/model/backend';
import { AdamW } from '../src-main/model/optimizer';
import { Rng } from '../src-main/model/rng';
import { loadWeights, weightSnapshot } from '../src-main/model/weights';
import { arithmeticQuestions, coldStartToyAgent, toyTools } from '../src-main/experiments/execution/toy-task';
import { ALGORITHMS } from '../src-main/rl/algorithms/registry';
import { DEFAULT_ROLLOUT_OPTIONS } from '../src-main/rl/rollout/engine';
import { rlStep } from '../src-main/rl/step';

const STEPS = Number(process.env.STEPS ?? 6);
const QUESTIONS = 8;
const K = 8;

await selectBackend();
const agent = coldStartToyAgent(400);
const start = weightSnapshot(agent.model);
const report: Record<string, Record<string, number>> = {};
for (const id of ['grpo', 'arpo', 'aepo'] as const) {
  loadWeights(agent.model, start);
  const algorithm = ALGORITHMS[id];
  const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
  const rng = new Rng(1);
  const sums: Record<string, number> = {};
  for (let step = 0; step < STEPS; step++) {
    const { metrics } = await rlStep(
      {
        model: agent.model,
        optimizer,
        tokenizer: agent.tokenizer,
        tools: toyTools(),
        algorithm,
        settings: { ...algorithm.defaults, groupSize: K, globalSamples: K / 2 },
        rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 96, toolCallLimit: 4 },
        rng,
      },
      arithmeticQuestions(QUESTIONS, step),
    );
    for (const key of [
      'rollout/branch_concentration',
      'rollout/consecutive_branch_share_per_path',
      'rollout/consecutive_growth_share',
      'rollout/branches_per_question',
      'rollout/global_samples',
      'tool_calls/mean',
    ]) {
      sums[key] = (sums[key] ?? 0) + metrics[key]! / STEPS;
    }
    console.error(
      `${id} step ${step + 1}/${STEPS}: branches/question ${metrics['rollout/branches_per_question']!.toFixed(2)}`,
    );
  }
  optimizer.dispose();
  report[id] = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}
console.log(JSON.stringify({ steps: STEPS, questions: QUESTIONS, k: K, ...report }));
