import { readFileSync } from 'node:fs';
import { callChannel, jsonOption, UsageError, type Command, type CommandContext } from '../command';
import { formatTable as table } from '../format';

const nameArg = (context: CommandContext, verb: string): string => {
  const name = context.args[0];
  if (!name) throw new UsageError(`cluster ${verb} needs a cluster NAME`);
  return name;
};

/** `cluster add NAME --address URL [--token-file F]`: the token is read from a file so it stays out of shell history. */
export const clusterAdd: Command = {
  path: ['cluster', 'add'],
  args: ['NAME'],
  summary:
    'add (or update) a Ray cluster by its dashboard address; reach a dashboard without auth only through an SSH tunnel',
  options: {
    address: { type: 'string', label: '--address URL', description: 'the dashboard, e.g. http://127.0.0.1:8265' },
    'token-file': {
      type: 'string',
      label: '--token-file F',
      description: 'a file holding the cluster token (Ray token auth); stored as a write-only secret',
    },
  },
  async run(context) {
    const name = nameArg(context, 'add');
    if (typeof context.options.address !== 'string') throw new UsageError('cluster add needs --address URL');
    let token: string | undefined;
    if (typeof context.options['token-file'] === 'string') {
      const file = context.options['token-file'];
      try {
        token = readFileSync(file, 'utf8').trim();
      } catch (error) {
        throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (!token) throw new UsageError(`${file} is empty; it should hold the cluster token`);
    }
    const saved = await callChannel(context, 'clusters.save', { name, address: context.options.address, token });
    context.io.out(`cluster ${saved.name}: ${saved.address}${saved.hasToken ? ' (token set)' : ''}`);
    if (!/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(saved.address + '/') && !saved.hasToken)
      context.io.err(
        'warning: a Ray dashboard without token auth lets anyone who reaches it run code; reach it through an SSH tunnel (ssh -L 8265:localhost:8265 HEAD) and add it as http://127.0.0.1:8265',
      );
    return 0;
  },
};

export const clusterList: Command = {
  path: ['cluster', 'list'],
  summary: 'the Ray clusters experiments can be sent to',
  options: jsonOption,
  async run(context) {
    const clusters = await callChannel(context, 'clusters.list', {});
    if (context.options.json) context.io.out(JSON.stringify(clusters));
    else if (clusters.length === 0)
      context.io.out('no clusters yet; add one with `aepo-lab cluster add NAME --address URL`');
    else
      context.io.out(
        table(
          ['name', 'address', 'token', 'runs sent'],
          clusters.map((c) => [c.name, c.address, c.hasToken ? 'set' : '-', String(c.jobs)]),
        ),
      );
    return 0;
  },
};

export const clusterCheck: Command = {
  path: ['cluster', 'check'],
  args: ['NAME'],
  summary: "ask a cluster's dashboard for its version (GET /api/version)",
  async run(context) {
    const check = await callChannel(context, 'clusters.check', { name: nameArg(context, 'check') });
    context.io.out(`${check.name} at ${check.address}: Ray ${check.rayVersion}, Jobs API ${check.apiVersion}`);
    return 0;
  },
};

export const clusterRemove: Command = {
  path: ['cluster', 'remove'],
  args: ['NAME'],
  summary: 'forget a cluster and its token (refused while runs sent to it exist)',
  async run(context) {
    const name = nameArg(context, 'remove');
    await callChannel(context, 'clusters.remove', { name });
    context.io.out(`cluster ${name} removed`);
    return 0;
  },
};

export const clusterAlgorithms: Command = {
  path: ['cluster', 'algorithms'],
  summary: 'which code base and entrypoint each algorithm runs on a cluster, or why it is refused',
  options: jsonOption,
  async run(context) {
    const rows = await callChannel(context, 'clusters.recipes', {});
    if (context.options.json) context.io.out(JSON.stringify(rows));
    else
      context.io.out(
        table(
          ['algorithm', 'code base', 'entrypoint'],
          rows.map((r) => [r.algorithm, r.codeBase ?? `refused: ${r.refused}`, r.entrypoint ?? '-']),
        ),
      );
    return 0;
  },
};
