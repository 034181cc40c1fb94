import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type BackendChoice } from '../../../src-main/model/backend';
import { AdamW } from '../../../src-main/model/optimizer';
import { runRl } from '../../../src-main/experiments/execution/rl-run';
import {
  arithmeticQuestions,
  coldStartToyAgent,
  toyTools,
  type AgentFixture,
} from '../../../src-main/experiments/execution/toy-task';
import { ALGORITHMS } from '../../../src-main/rl/algorithms/registry';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../../src-main/rl/rollout/engine';
import { tempLab } from '../../support/temp';

let agent: AgentFixture;
let backend: BackendChoice;
beforeAll(async () => {
  backend = await selectBackend();
  agent = coldStartToyAgent(150);
});

describe('an RL run', () => {
  it('records its backend, every step’s metrics under stable names, and its rollout trees', async () => {
    const lab = tempLab();
    const run = lab.services.runs.create({ algorithm: 'aepo', benchmark: 'toy-arithmetic', seed: 3 });
    const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
    await runRl(lab.services, run.id, {
      ...agent,
      optimizer,
      tools: toyTools(),
      algorithm: ALGORITHMS.aepo,
      settings: { ...ALGORITHMS.aepo.defaults, groupSize: 4, globalSamples: 2, updatesPerBatch: 2 },
      rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 64, toolCallLimit: 2 },
      backend,
      seed: 3,
      steps: 2,
      questionsFor: (step) => arithmeticQuestions(2, step),
    });
    optimizer.dispose();
    expect(lab.services.runs.get(run.id)).toMatchObject({ status: 'completed', backend: 'wasm' });
    const keys = lab.services.metrics.keys(run.id).map((k) => k.key);
    for (const key of [
      'reward/mean',
      'actor/entropy',
      'actor/pg_clipfrac_upper',
      'actor/ppo_kl',
      'actor/grad_norm',
      'tool_calls/mean',
      'rollout/branch_concentration',
      'rollout/consecutive_branch_share_per_path',
      'rollout/consecutive_growth_share',
      'rollout/distinct_answers',
    ]) {
      expect(keys, key).toContain(key);
    }
    expect(lab.services.metrics.series(run.id, 'reward/mean').map((p) => p.step)).toEqual([1, 2]);
    const trees = lab.services.rollouts.list(run.id, 2);
    expect(trees).toHaveLength(2);
    expect((trees[0]!.tree as { trajectories: unknown[] }).trajectories).toHaveLength(4);
  });

  it('marks the run failed with the reason when a step throws', async () => {
    const lab = tempLab();
    const run = lab.services.runs.create({ algorithm: 'grpo', benchmark: 'toy-arithmetic', seed: 0 });
    const optimizer = new AdamW(agent.model.variables(), { learningRate: 1e-3 });
    const broken = { call: () => Promise.reject(new Error('tool sandbox crashed')) };
    await expect(
      runRl(lab.services, run.id, {
        ...agent,
        optimizer,
        tools: broken,
        algorithm: ALGORITHMS.grpo,
        settings: { ...ALGORITHMS.grpo.defaults, groupSize: 8 },
        rollout: { ...DEFAULT_ROLLOUT_OPTIONS, maxResponseTokens: 64 },
        backend,
        seed: 0,
        steps: 1,
        questionsFor: () => arithmeticQuestions(2, 0),
      }),
    ).rejects.toThrow('tool sandbox crashed');
    optimizer.dispose();
    expect(lab.services.runs.get(run.id)).toMatchObject({ status: 'failed', error: 'tool sandbox crashed' });
  });
});
