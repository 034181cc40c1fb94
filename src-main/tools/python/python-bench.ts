/**
 * What the python tool costs beyond the code it runs, for `aepo-lab bench --json` (`tools`): the pool's start, a
 * trivial call's wall time as the app sees it, the sandbox's CPU per call (Linux), and the in-place reset that
 * isolates one call from the next (docs/python-sandbox.md).
 */
import { processCpuSeconds as cpuSeconds } from './process-memory';
import { PythonTool } from './python-tool';

export interface PythonToolCosts {
  /** Median wall time of a trivial call (`1 + 1`) on a warm pool, back to back, ms (the reset included). */
  python_call_ms: number;
  /** Sandbox CPU time per trivial call, supervisor and interpreter together, ms (Linux; null elsewhere). */
  python_call_cpu_ms: number | null;
  /** Median time restoring the interpreter's memory between calls, ms of the interpreter's thread. */
  python_reset_ms: number;
  /** Wall time from starting the pool (one process a core by default) to every process answering, ms. */
  python_pool_start_ms: number;
  /** Median wall time of the call after one that wrote a file, which runs on a newly started interpreter, ms. */
  python_call_after_replacement_ms: number;
  processes: number;
  calls: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const round = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measurePythonTool(
  hostScript: string,
  options: { processes?: number; calls?: number; progress?: (line: string) => void } = {},
): Promise<PythonToolCosts> {
  const calls = options.calls ?? 300;
  const pool = new PythonTool({ hostScript, processes: options.processes });
  try {
    const started = performance.now();
    pool.warm();
    await Promise.all(Array.from({ length: pool.size }, () => pool.run('0')));
    const poolStartMs = performance.now() - started;
    options.progress?.(`python: pool of ${pool.size} started in ${Math.round(poolStartMs)} ms; timing ${calls} calls`);
    await sleep(1_500); // each process's spare interpreter finishes starting
    const wall: number[] = [];
    const resets: number[] = [];
    const pids = pool.pids();
    const cpuBefore = pids.map(cpuSeconds);
    for (let i = 0; i < calls; i++) {
      const { result, cost } = await pool.runMeasured('1 + 1');
      if (result.output !== '2')
        throw new Error(`python bench: a trivial call answered ${JSON.stringify(result.output)}`);
      wall.push(result.ms);
      if (cost && !cost.replaced) resets.push(cost.resetMs);
    }
    const cpuUsed = pids.map((pid, i) => {
      const [before, after] = [cpuBefore[i], cpuSeconds(pid)];
      return before === undefined || after === undefined ? undefined : after - before;
    });
    const cpuMs = cpuUsed.every((seconds) => seconds !== undefined)
      ? (cpuUsed.reduce<number>((sum, seconds) => sum + seconds!, 0) * 1000) / calls
      : null;
    const afterReplacement: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pool.run('open("/tmp/written", "w").write("x")');
      afterReplacement.push((await pool.run('1 + 1')).ms);
      await sleep(1_000);
    }
    return {
      python_call_ms: round(median(wall)),
      python_call_cpu_ms: cpuMs === null ? null : round(cpuMs),
      python_reset_ms: round(median(resets)),
      python_pool_start_ms: Math.round(poolStartMs),
      python_call_after_replacement_ms: round(median(afterReplacement)),
      processes: pool.size,
      calls,
    };
  } finally {
    await pool.stop();
  }
}
