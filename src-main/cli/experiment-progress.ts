/**
 * Following an experiment from the terminal: starts (or resumes) it through its channel, prints its log lines, and
 * keeps one progress line per active run (step of total, reward, time per step, ETA), redrawn in place on a
 * terminal and printed as plain lines otherwise. Ctrl+C pauses the runs after their current step.
 */
import type { LabEvents } from '../core/events';
import { callChannel, type CommandContext } from './command';

type StartChannel = 'experiments.start' | 'experiments.resume';

export async function followExperiment(context: CommandContext, id: number, channel: StartChannel): Promise<number> {
  const { io } = context;
  const { bus } = context.lab();
  const labels = new Map(
    (await callChannel(context, 'runs.list', { experimentId: id })).map((r) => [
      r.id,
      `${r.algorithm} ${r.benchmark} seed ${r.seed}`,
    ]),
  );
  const progress = new Map<number, string>();
  const timing = new Map<number, { at: number; step: number; perStep?: number }>();
  const draw = () => io.status?.([...progress.values()]);
  const say = (line: string) => {
    io.status?.([]);
    io.err(line);
    draw();
  };
  const mine = (event: { experimentId: number | null }) => event.experimentId === id;
  const onStep = (event: LabEvents['run.step']) => {
    if (!mine(event)) return;
    const now = performance.now();
    const last = timing.get(event.runId);
    const perStep = last ? (now - last.at) / 1000 / Math.max(1, event.step - last.step) : undefined;
    timing.set(event.runId, { at: now, step: event.step, perStep: perStep ?? last?.perStep });
    const seconds = perStep ?? (now - started) / 1000;
    const line =
      `${labels.get(event.runId)}: step ${event.step}/${event.totalSteps}, ` +
      `reward ${(event.metrics['reward/mean'] ?? 0).toFixed(3)}, ${seconds.toFixed(1)} s/step, ` +
      `ETA ${Math.round(seconds * (event.totalSteps - event.step))} s`;
    if (io.status) {
      progress.set(event.runId, line);
      draw();
    } else io.err(line);
  };
  const started = performance.now();
  const finished = new Promise<LabEvents['experiment.finished']>((resolve) => {
    const unsubscribe = [
      bus.on('experiment.log', (e) => mine(e) && say(e.line)),
      bus.on('run.log', (e) => mine(e) && say(e.line)),
      bus.on('run.step', onStep),
      bus.on('run.status', (e) => {
        if (!mine(e)) return;
        if (e.status === 'running') timing.set(e.runId, { at: performance.now(), step: 0 });
        else if (progress.delete(e.runId)) draw();
      }),
      bus.on('experiment.finished', (e) => {
        if (e.experimentId !== id) return;
        unsubscribe.forEach((off) => off());
        resolve(e);
      }),
    ];
  });
  const job = await callChannel(context, channel, { id });
  say(`experiment ${id}: ${job.runs} run(s) to do`);
  let stopping = false;
  void context.stopSignal.then(async () => {
    stopping = true;
    say(`pausing experiment ${id} after the current steps (resume with: aepo-lab experiment resume ${id})`);
    await callChannel(context, 'experiments.pause', { id });
  });
  const result = await finished;
  io.status?.([]);
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  if (result.failures.length > 0) {
    for (const failure of result.failures) io.err(`failed: ${failure}`);
    throw new Error(
      `${result.failures.length} run(s) of experiment ${id} failed; resume it to retry them: aepo-lab experiment resume ${id}`,
    );
  }
  if (result.paused > 0 || result.cancelled > 0) {
    io.err(
      `experiment ${id} stopped after ${minutes} min: ${result.paused} run(s) paused, ${result.cancelled} cancelled; ` +
        `continue with: aepo-lab experiment resume ${id}`,
    );
    return stopping ? 130 : 0;
  }
  io.err(`experiment ${id} done in ${minutes} min`);
  if (context.options.json)
    io.out(JSON.stringify({ experiment: id, results: await callChannel(context, 'experiments.results', { id }) }));
  else io.out((await callChannel(context, 'experiments.export', { id, format: 'md' })).text.trimEnd());
  return 0;
}
