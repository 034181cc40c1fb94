import { join } from 'node:path';
import { BENCH_SIZES, runLabBench, type BenchSize } from '../../experiments/execution/lab-bench';
import { jsonOption, UsageError, type Command } from '../command';

export const bench: Command = {
  path: ['bench'],
  summary: 'time the policy model here (train step, KV-cache sampling) and the python tool',
  options: {
    ...jsonOption,
    size: {
      type: 'string',
      label: '--size S',
      description: `model size: ${BENCH_SIZES.join(', ')} (default small)`,
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
    if (!BENCH_SIZES.includes(size as BenchSize))
      throw new UsageError(`--size takes ${BENCH_SIZES.join(', ')}, not "${size}"`);
    const steps = Number(context.options.steps ?? 5);
    if (!Number.isInteger(steps) || steps < 5)
      throw new UsageError(`--steps takes a whole number of at least 5, not "${String(context.options.steps)}"`);
    const output = await runLabBench({
      size: size as BenchSize,
      steps,
      pythonSandbox: context.options['no-tools'] ? null : join(context.workerDir, 'python-sandbox.js'),
      benchDir: context.options['no-reference'] ? null : context.benchDir,
      progress: (line) => context.io.err(line),
    });
    const { tools } = output;
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
