import { isIP } from 'node:net';
import { join } from 'node:path';
import { openChatModel, type ChatModel } from '../../experiments/execution/chat-model';
import { startServer } from '../../serve/server';
import { UsageError, type Command } from '../command';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export const serve: Command = {
  path: ['serve'],
  summary: 'serve the UI and API over HTTP (for a machine without a display)',
  options: {
    port: { type: 'string', label: '--port N', description: 'TCP port; 0 picks a free one (default 0)' },
    host: { type: 'string', label: '--host H', description: 'address to bind (default 127.0.0.1)' },
    checkpoint: {
      type: 'string',
      label: '--checkpoint FILE',
      description: 'also answer /v1/chat/completions with this model',
    },
  },
  async run(context) {
    const port = Number(context.options.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port takes a number from 0 to 65535, not "${String(context.options.port)}"`);
    }
    const host = String(context.options.host ?? '127.0.0.1');
    if (host !== 'localhost' && !isIP(host)) throw new UsageError(`--host takes an IP address, not "${host}"`);
    const lab = context.lab();
    // Runs a stopped process left "running" show as interrupted, ready to resume.
    const interrupted = lab.runner.markInterrupted();
    // Runs sent to Ray clusters keep mirroring their jobs while the UI is served.
    if (lab.services.clusters.jobs.jobs().length > 0) lab.clusterWatcher.start();
    // The checkpoint's weights go to a sampler thread; this process only serves.
    let chat: ChatModel | undefined;
    if (context.options.checkpoint)
      chat = await openChatModel(String(context.options.checkpoint), join(context.workerDir, 'sampler-worker.js'));
    const server = await startServer({
      dispatch: lab.dispatch,
      bus: lab.bus,
      rendererDir: context.rendererDir,
      host,
      port,
      chat,
    });
    context.io.out(`AEPO Lab is serving at ${server.url}`);
    context.io.out(`  data: ${lab.databaseFile}`);
    if (interrupted > 0) context.io.out(`  ${interrupted} interrupted run(s) marked; resume them from the app`);
    if (chat) context.io.out(`  model ${chat.name}: ${server.origin}/v1 (OpenAI-compatible; the token is the API key)`);
    if (!LOOPBACK.has(host)) {
      context.io.err(`warning: bound to ${host}; anyone who can reach this address and has the token can use the app`);
    }
    context.io.out('  Press Ctrl+C to stop.');
    await context.stopSignal;
    await server.close();
    await chat?.close();
    return 0;
  },
};
