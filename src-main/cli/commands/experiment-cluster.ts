import type { WireRequest } from '../../clusters/ray-jobs-client';
import { callChannel, jsonOption, UsageError, type Command, type CommandContext } from '../command';
import { experimentId, list } from './experiment';

const whole = (context: CommandContext, name: string): number | undefined => {
  const value = context.options[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} takes a whole number from 1, not "${String(value)}"`);
  return n;
};

/** A request as `--dry-run` prints it: the method and URL, then the JSON body (or the upload's size and hash). */
function describe(request: WireRequest): string {
  const head = `${request.method} ${request.url}`;
  if (request.bodyBytes)
    return `${head}   (only if the GET answers 404)\n  <zip, ${request.bodyBytes.bytes} bytes, sha256 ${request.bodyBytes.sha256}>`;
  return request.body === undefined ? head : `${head}\n${JSON.stringify(request.body, null, 2)}`;
}

/** `experiment submit ID --cluster NAME [--dry-run]`: each run becomes one Ray job running verl. */
export const experimentSubmit: Command = {
  path: ['experiment', 'submit'],
  args: ['ID'],
  summary: "send an experiment's runs to a Ray cluster, one verl job per run (--dry-run prints the requests)",
  options: {
    ...jsonOption,
    cluster: { type: 'string', label: '--cluster NAME', description: 'a cluster added with `cluster add`' },
    'dry-run': { type: 'boolean', label: '--dry-run', description: 'print the exact requests; send nothing' },
    model: {
      type: 'string',
      label: '--model M',
      description: 'the policy model on the cluster (default Qwen/Qwen3-14B)',
    },
    nodes: { type: 'string', label: '--nodes N', description: 'nodes per job (default 1)' },
    'gpus-per-node': { type: 'string', label: '--gpus-per-node G', description: 'GPUs per node (default 8)' },
    algos: { type: 'string', label: '--algos a,b', description: "only these algorithms' runs" },
  },
  async run(context) {
    const id = experimentId(context, 'submit');
    if (typeof context.options.cluster !== 'string') throw new UsageError('experiment submit needs --cluster NAME');
    const algorithms = list(context.options.algos);
    const result = await callChannel(context, 'experiments.submit', {
      id,
      cluster: context.options.cluster,
      dryRun: context.options['dry-run'] === true,
      model: context.options.model,
      nodes: whole(context, 'nodes'),
      gpusPerNode: whole(context, 'gpus-per-node'),
      algorithms,
    });
    if (context.options.json) {
      context.io.out(JSON.stringify(result));
      return 0;
    }
    if (result.dryRun) {
      context.io.out(`Dry run: nothing is sent. The requests to ${result.cluster} (${result.address}):`);
      for (const request of result.requests) context.io.out(`\n${describe(request)}`);
      context.io.out('');
    }
    for (const job of result.jobs)
      context.io.out(
        `${job.label}: ${job.outcome}${job.submissionId ? ` as ${job.submissionId}` : ''}` +
          `${job.codeBase ? ` (${job.codeBase})` : ''}${job.reason ? `: ${job.reason}` : ''}`,
      );
    if (!result.dryRun)
      context.io.out(`Follow them with \`aepo-lab experiment watch ${id}\`, or in the app (the run pages).`);
    return result.jobs.some((j) => j.outcome === 'refused') && !result.jobs.some((j) => j.outcome !== 'refused')
      ? 1
      : 0;
  },
};

/** `experiment watch ID`: mirrors the experiment's cluster jobs (status, log, metrics) until they have all ended. */
export const experimentWatch: Command = {
  path: ['experiment', 'watch'],
  args: ['ID'],
  summary: "follow an experiment's runs on a Ray cluster until their jobs end (Ctrl+C stops watching, not the jobs)",
  async run(context) {
    const id = experimentId(context, 'watch');
    const lab = context.lab();
    const runIds = new Set((await callChannel(context, 'runs.list', { experimentId: id })).map((r) => r.id));
    const mine = () => lab.clusterWatcher.active().filter((job) => runIds.has(job.runId));
    if (mine().length === 0) {
      context.io.out(`experiment ${id} has no runs on a cluster still going`);
      return 0;
    }
    const off = [
      lab.bus.on(
        'run.status',
        (e) => runIds.has(e.runId) && context.io.err(`run ${e.runId}: ${e.status}${e.error ? ` (${e.error})` : ''}`),
      ),
      lab.bus.on(
        'run.step',
        (e) => runIds.has(e.runId) && context.io.err(`run ${e.runId}: step ${e.step}/${e.totalSteps}`),
      ),
    ];
    let stopped = false;
    void context.stopSignal.then(() => (stopped = true));
    try {
      while (!stopped && mine().length > 0) {
        await lab.clusterWatcher.tick();
        await Promise.race([new Promise((r) => setTimeout(r, 3000)), context.stopSignal]);
      }
    } finally {
      off.forEach((f) => f());
      await lab.clusterWatcher.stop();
    }
    context.io.out(
      stopped ? 'stopped watching; the jobs go on on the cluster' : `experiment ${id}: every cluster job has ended`,
    );
    return 0;
  },
};
