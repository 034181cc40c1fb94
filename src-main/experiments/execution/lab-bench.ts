/**
 * `aepo-lab bench` as a service: the policy model on both engines (model/benchmark.ts), the python tool
 * (tools/python/python-bench.ts) and, where Python with torch is present, the same model in PyTorch
 * (bench/torch_ref.py). Front ends call this; they compose no model code themselves.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../model/backend';
import { runModelBenchmark } from '../../model/benchmark';
import { MODEL_SIZES, type ModelSize } from '../../model/config';
import { measurePythonTool } from '../../tools/python/python-bench';

/** The model sizes the bench takes (model/config.ts). */
export type BenchSize = ModelSize;
export const BENCH_SIZES = Object.keys(MODEL_SIZES) as BenchSize[];

export interface LabBenchOptions {
  size: ModelSize;
  /** Timed train steps (at least 5). */
  steps: number;
  /** Time the python tool with this sandbox entry (out/main/python-sandbox.js); null skips it. */
  pythonSandbox: string | null;
  /** The checkout's bench/ folder, for the PyTorch reference; null skips it. */
  benchDir: string | null;
  progress: (line: string) => void;
}

export async function runLabBench(options: LabBenchOptions) {
  const backend = await selectBackend({ log: options.progress });
  options.progress(`backend: ${backend.engine}`);
  const result = await runModelBenchmark(backend, {
    size: options.size,
    trainSteps: options.steps,
    progress: options.progress,
  });
  if (options.benchDir) options.progress('PyTorch reference: bench/torch_ref.py (null without python3 and torch)');
  const tools = options.pythonSandbox
    ? await measurePythonTool(options.pythonSandbox, { progress: options.progress })
    : null;
  return { ...result, torch_train_step_ms: options.benchDir ? torchTrainStepMs(options.benchDir) : null, tools };
}

export type LabBenchResult = Awaited<ReturnType<typeof runLabBench>>;

/** Times the same model in PyTorch when Python with torch is present (bench/torch_ref.py); null otherwise. */
function torchTrainStepMs(benchDir: string): number | null {
  const script = join(benchDir, 'torch_ref.py');
  if (!existsSync(script)) return null;
  // The first python3 on PATH may be a separate install (pyenv, venv) without Debian's torch.
  for (const python of ['python3', '/usr/bin/python3']) {
    const result = spawnSync(python, [script], { encoding: 'utf8', timeout: 600_000 });
    if (result.status !== 0) continue;
    try {
      const value = (JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as { train_step_ms?: unknown })
        .train_step_ms;
      if (typeof value === 'number') return value;
    } catch {
      // not our JSON line: try the next interpreter
    }
  }
  return null;
}
