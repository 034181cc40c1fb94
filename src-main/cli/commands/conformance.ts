import { checkConformance } from '../../experiments/execution/conformance-check';
import type { Command } from '../command';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const conformance: Command = {
  path: ['conformance'],
  summary: 'read contract cases (JSON, one or an array) on stdin; print loss, advantages and gradients as JSON',
  async run(context) {
    const answer = await checkConformance(await readStdin());
    context.io.out(JSON.stringify(answer.ok ? answer.result : { error: answer.error }));
    return answer.ok ? 0 : 2;
  },
};
