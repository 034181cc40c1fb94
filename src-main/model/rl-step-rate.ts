/**
 * One RL step of the bench's workload, timed end to end on an engine: 128 trajectories sampled with the KV cache
 * (40-token prompts, up to 150 new tokens at temperature 1), then 4 policy updates of 32 sequences each.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingEngine } from './engine';
import type { AdamW } from './optimizer';
import { Rng } from './rng';
import { maskedMean } from './scoring';
import type { Transformer } from './transformer';

export async function rlStepMs(engine: TrainingEngine, model: Transformer, optimizer: AdamW): Promise<number> {
  const { contextLength, vocabSize } = model.config;
  const rng = new Rng(7);
  const trajectories = 128;
  const prompt = Math.min(40, Math.floor(contextLength / 4));
  const start = performance.now();
  const session = engine.openSession(model, trajectories);
  const prompts = Array.from({ length: trajectories }, () =>
    Array.from({ length: prompt }, () => Math.floor(rng.next() * vocabSize)),
  );
  await session.extend(prompts);
  const generated = await session.generate(
    prompts.map((_, i) => i),
    { maxTokens: Math.min(150, contextLength - prompt), temperature: 1, seed: 7 },
  );
  session.dispose();
  const sequences = prompts.map((p, i) => [...p, ...generated[i]!.tokens.map((t) => t.id)]);
  for (let u = 0; u < 4; u++)
    await engine.policyStep(model, optimizer, sequences.slice(u * 32, (u + 1) * 32), ({ logp, mask }) =>
      tf.neg(maskedMean(logp, mask)),
    );
  return performance.now() - start;
}

/** The second of two RL steps: the first pays once-per-run costs (buffers of new shapes, JIT) a run pays once. */
export async function steadyRlStepMs(engine: TrainingEngine, model: Transformer, optimizer: AdamW): Promise<number> {
  await rlStepMs(engine, model, optimizer);
  return rlStepMs(engine, model, optimizer);
}
