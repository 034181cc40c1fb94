import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../model/backend';
import { runModelBenchmark } from '../../model/benchmark';
import { MODEL_SIZES, type ModelSize } from '../../model/config';
import { measurePythonTool } from '../../tools/python/python-bench';
import { jsonOption, UsageError, type Command } from '../command';

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

export const bench: Command = {
  path: ['bench'],
  summary: 'time the policy model here (train step, KV-cache sampling) and the python tool',
  options: {
    ...jsonOption,
    size: {
      type: 'string',
      label: '--size S',
      description: `model size: ${Object.keys(MODEL_SIZES).join(', ')} (default small)`,
    },
    // The flag's first name, before model sizes stopped being called presets (docs/architecture.md, "Names").
    preset: { type: 'string', label: '--preset S', description: 'the same as --size' },
    steps: { type: 'string', label: '--steps N', description: 'timed train steps, at least 5 (default 5)' },
    'no-tools': {
      type: 'boolean',
      label: '--no-tools',
      description: 'skip timing the python tool (reported as null)',
    },
    'no-reference': {
      type: 'boolean',
      label: '--no-reference',
      description: 'skip the PyTorch reference (reported as null)',
    },
  },
  async run(context) {
    const size = String(context.options.size ?? context.options.preset ?? 'small');
    if (!(size in MODEL_SIZES))
      throw new UsageError(`--size takes ${Object.keys(MODEL_SIZES).join(', ')}, not "${size}"`);
    const steps = Number(context.options.steps ?? 5);
    if (!Number.isInteger(steps) || steps < 5)
      throw new UsageError(`--steps takes a whole number of at least 5, not "${String(context.options.steps)}"`);
    const backend = await selectBackend({ log: (line) => context.io.err(line) });
    context.io.err(`backend: ${backend.engine}`);
    const result = await runModelBenchmark(backend, {
      size: size as ModelSize,
      trainSteps: steps,
      progress: (line) => context.io.err(line),
    });
    const reference = !context.options['no-reference'];
    if (reference) context.io.err('PyTorch reference: bench/torch_ref.py (null without python3 and torch)');
    const tools = context.options['no-tools']
      ? null
      : await measurePythonTool(join(context.workerDir, 'python-sandbox.js'), {
          progress: (line) => context.io.err(line),
        });
    const output = { ...result, torch_train_step_ms: reference ? torchTrainStepMs(context.benchDir) : null, tools };
    if (context.options.json) {
      context.io.out(JSON.stringify(output));
    } else {
      context.io.out(
        [
          `backend              ${output.backend}`,
          `model                ${output.model.size}, ${output.model.parameters.toLocaleString('en')} parameters`,
          `train step           ${output.train_step_ms} ms (tfjs, median of ${output.train_step_ms_all.length}; batch 16 × 128 tokens)`,
          ...(['onnx', 'webgpu'] as const).flatMap((name) => {
            const engine = output.engines[name];
            if (!engine) return [];
            const share = Math.round((engine.train_share_of_peak ?? 0) * 100);
            return [
              `train step, ${name.padEnd(8)} ${engine.train_step_ms === null ? 'n/a' : `${engine.train_step_ms} ms on ${engine.device} (${engine.train_gflops} GFLOP/s, ${share} % of the CPU's matMul peak)`}`,
            ];
          }),
          `train throughput     ${output.train_gflops} GFLOP/s (matMuls)`,
          ...(['tfjs', 'onnx', 'webgpu'] as const).flatMap((name) => {
            const engine = output.engines[name];
            if (!engine) return [];
            return [
              `sampling, ${name.padEnd(10)} ${engine.sample_tokens_per_s_b16?.toLocaleString('en') ?? 'n/a'} tokens/s at batch 16, ${engine.sample_tokens_per_s_b128?.toLocaleString('en') ?? 'n/a'} at batch 128`,
            ];
          }),
          `RL step              ${output.engines.tfjs.rl_step_ms} ms tfjs, ${output.engines.onnx.rl_step_ms ?? 'n/a'} ms onnx${output.engines.webgpu ? `, ${output.engines.webgpu.rl_step_ms ?? 'n/a'} ms webgpu` : ''} (128 trajectories × up to 190 tokens, 4 updates of 32)`,
          `matMul peak          ${output.peak_gflops_estimate} GFLOP/s (tfjs 512² fast path); ${output.machine_peak_gflops} GFLOP/s the best engine`,
          `cpu                  ${output.cpu.model}, ${output.cpu.cores} cores`,
          `PyTorch train step   ${output.torch_train_step_ms === null ? 'n/a' : `${output.torch_train_step_ms} ms`}`,
          `python call          ${tools ? `${tools.python_call_ms} ms wall, ${tools.python_call_cpu_ms ?? 'n/a'} ms sandbox CPU (reset ${tools.python_reset_ms} ms); pool of ${tools.processes} started in ${tools.python_pool_start_ms} ms` : 'n/a'}`,
        ].join('\n'),
      );
    }
    return 0;
  },
};
