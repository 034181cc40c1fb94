import { selectBackend } from '../../model/backend';
import { ContractError, runConformance } from '../../rl/conformance';
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
    await selectBackend();
    const text = await readStdin();
    const fail = (field: string, message: string) => {
      context.io.out(JSON.stringify({ error: { field, message } }));
      return 2;
    };
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      return fail('(input)', `not JSON: ${(error as Error).message}`);
    }
    try {
      context.io.out(JSON.stringify(runConformance(input)));
      return 0;
    } catch (error) {
      if (error instanceof ContractError) return fail(error.field, error.message);
      throw error;
    }
  },
};
