// A small RL run in its own process, for the crash test: `fresh DIR STEPS` starts run 1, `resume DIR STEPS` continues
// it from its last checkpoint. Checkpoints every step. Prints "step N" after each step.
import { join } from 'node:path';
import { openLab } from '../../src-main/app/open-lab';
import { selectBackend } from '../../src-main/model/backend';
import { AdamW } from '../../src-main/model/optimizer';
import { ALGORITHMS } from '../../src-main/rl/algorithms/registry';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../src-main/rl/rollout/engine';
import { arithmeticQuestions, coldStartToyAgent, toyTools } from '../../src-main/experiments/execution/toy-task';
import { runRl } from '../../src-main/experiments/execution/rl-run';
import { migrationsFromFolder } from '../../src-main/store/migrations';

const [mode, dataDir, steps] = process.argv.slice(2) as ['fresh' | 'resume', string, string];
const backend = await selectBackend({ only: ['wasm'] });
const lab = openLab({
  dataDir,
  mode: 'cli',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../../migrations')),
});
const agent = coldStartToyAgent(120);
const algorithm = ALGORITHMS.aepo;
const runId = mode === 'fresh' ? lab.services.runs.create({ algorithm: 'aepo', benchmark: 'toy', seed: 3 }).id : 1;
const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
const toyReward = (response: string, answers: string[]) => {
  const answer = /<answer>([^<]*)<\/answer>/.exec(response)?.[1]?.trim() ?? null;
  const f1 = answer !== null && answers.includes(answer) ? 1 : 0;
  return { reward: answer === null ? -1 : f1, formatValid: answer !== null, f1, prediction: answer };
};
await runRl(lab.services, runId, {
  model: agent.model,
  tokenizer: agent.tokenizer,
  optimizer,
  tools: toyTools(),
  algorithm,
  // KL on: a resumed run must keep penalising KL to the starting policy, not to the weights it resumed from.
  settings: { ...algorithm.defaults, groupSize: 4, globalSamples: 2, updatesPerBatch: 2, klCoef: 0.05 },
  rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 48, toolCallLimit: 2 },
  backend,
  seed: 3,
  steps: Number(steps),
  questionsFor: (step) => arithmeticQuestions(2, step),
  reward: toyReward,
  warn: () => {},
  checkpoints: { dir: join(dataDir, 'checkpoints'), every: 1, appVersion: 'test' },
  resume: mode === 'resume',
  onStep: (step) => console.log(`step ${step}`),
});
lab.close();
