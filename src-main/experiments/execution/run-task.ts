/**
 * What the scheduler hands a run's worker thread and what the worker reports back. Plain data only: it crosses the
 * thread boundary by structured clone.
 */
import type { StepMetrics } from '../../core/events';
import type { Settings } from '../../core/settings-schema';
import type { MiniSuite } from '../../benchmarks/mini/suites';
import { Rng } from '../../model/rng';
import type { RolloutQuestion } from '../../rl/rollout/types';
import type { AlgorithmId } from '../../rl/types';
import type { ToolResult } from '../../tools/types';
import type { StepRollout, WrittenCheckpoint } from './rl-producer';
import type { EvaluationResult } from './evaluation';
import type { RunConfig } from '../plan/run-config';

/** What every task of an experiment shares. */
export interface TaskContext {
  dataDir: string;
  /** The python sandbox's entry (out/main/python-sandbox.js). */
  pythonSandbox: string;
  config: RunConfig;
  /** The tool settings as the main process read them. */
  settings: Pick<Settings, 'webSearch' | 'webBrowsing' | 'pythonProcesses'>;
  webSearchApiKey?: string;
  /** Each suite's cached search results, [query, result]. */
  searchCache: Record<string, [string, string][]>;
  /** Intra-op threads of the compute engine: the cores the scheduler gives each run (default 1). */
  computeThreads?: number;
}

/** Which tensor backend a worker ends up with, and why the ones before it were skipped. */
export interface BackendReport {
  name: string;
  engine: string;
  skipped: { name: string; reason: string }[];
  /** What runs train with (model/engine.ts): `onnxruntime cpu`, `onnxruntime cuda` or `tfjs`. */
  training?: { device: string; skipped: { name: string; reason: string }[] };
}

export type RunTask =
  /** Only reports the backend a worker thread gets (the Settings page shows it). */
  | { kind: 'probe' }
  | (TaskContext &
      (
        | { kind: 'cold-start'; benchmarks: string[]; baseFile: string; seed: number | null }
        | { kind: 'evaluate-base'; runId: number; seed: number; benchmarks: string[]; baseFile: string }
        | {
            kind: 'train';
            runId: number;
            algorithm: AlgorithmId;
            benchmark: string;
            seed: number;
            baseFile: string;
            /** The checkpoint to continue from (its step equal to the step budget: only the evaluation is left). */
            resumeFrom?: { path: string; step: number };
          }
      ));

/** What a run's worker thread starts with: its task, and a flag the scheduler sets to ask for a pause. */
export interface RunWorkerData {
  task: RunTask;
  /** One Int32 in shared memory: PAUSE_REQUESTED once the run should stop after its current step. */
  pauseFlag: Int32Array;
}
export const PAUSE_REQUESTED = 1;
/** The message that asks a run's worker to end itself now (it does so between two ONNX Runtime calls). */
export const STOP_WORKER = 'stop';

/** Main process → worker: the answer to one of its python calls. */
export interface PythonAnswer {
  type: 'python-answer';
  id: number;
  result: ToolResult;
}

export const isPythonAnswer = (message: unknown): message is PythonAnswer =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'python-answer';

/** Worker → main process, in the order they happen. */
export type TaskReport =
  | { type: 'progress'; line: string }
  | { type: 'started'; fromStep: number; backend: string }
  | { type: 'step'; step: number; metrics: StepMetrics; rollouts: StepRollout[]; checkpoint?: WrittenCheckpoint }
  | { type: 'log'; line: string }
  | {
      type: 'evaluation';
      benchmark: string;
      step: number;
      pass1: number;
      passK: number;
      k: number;
      n: number;
      /** Wall time of the evaluation. */
      seconds: number;
      /** Every sample's verdict, stored beside the numbers. */
      items: EvaluationResult['items'];
    }
  | { type: 'cache'; namespace: string; query: string; result: string }
  /** A python call for the lab's sandbox pool, answered with a PythonAnswer. */
  | { type: 'python'; id: number; code: string }
  | { type: 'done'; outcome: 'finished' | 'paused'; seconds: number }
  | { type: 'failed'; message: string }
  | ({ type: 'backend' } & BackendReport);

/** A suite's items as rollout questions (ids name the suite, split and index). */
export const asQuestions = (suite: MiniSuite, split: 'train' | 'test'): RolloutQuestion[] =>
  suite[split].map((item, i) => ({
    id: `${suite.id}/${split}/${i}`,
    prompt: `Question: ${item.question}\n`,
    answers: item.answers,
  }));

/** The same order for every algorithm: it depends on the benchmark and the seed only. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const rng = new Rng(seed * 7919 + 17);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The search cache namespace of a suite's own corpus (see AppTools). */
export const corpusCacheNamespace = (suite: string) => `search@${suite}`;
