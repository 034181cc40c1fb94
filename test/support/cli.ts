// The CLI run in-process with its output captured, as the tests of its commands use it.
import { runCli } from '../../src-main/cli/main';

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env,
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    rendererDir: '/nonexistent',
    benchDir: '/nonexistent',
    workerDir: '/nonexistent',
    stopSignal: Promise.resolve(),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
