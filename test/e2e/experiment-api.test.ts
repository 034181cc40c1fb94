// The experiment channels through serve mode, as the app uses them: create (algorithms × benchmarks × seeds), start,
// live events with run id, step and metrics, pause after a step, resume from the checkpoint, cancel, results, export.
import { afterEach, describe, expect, it } from 'vitest';
import { openLab, type Lab } from '../../src-main/app/open-lab';
import { startServer, type RunningServer } from '../../src-main/serve/server';
import { sourceWorkers } from '../support/run-workers';
import { tempDir } from '../support/temp';
import type { ApiErrorBody } from '../../src-main/api/result';

type Event = { name: string; data: Record<string, unknown> };

const opened: { lab: Lab; server: RunningServer; abort: AbortController }[] = [];
afterEach(async () => {
  for (const { lab, server, abort } of opened.splice(0)) {
    abort.abort();
    await server.close();
    lab.close();
  }
});

/** A lab with worker threads behind serve mode, and every SSE event it sends collected in order. */
async function serveLab() {
  const lab = openLab({ dataDir: tempDir(), mode: 'serve', logError: () => {}, workers: sourceWorkers });
  const server = await startServer({ dispatch: lab.dispatch, bus: lab.bus, rendererDir: tempDir(), port: 0 });
  const abort = new AbortController();
  opened.push({ lab, server, abort });
  const events: Event[] = [];
  const waiters: { test: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  const stream = await fetch(`${server.origin}/api/events`, {
    headers: { authorization: `Bearer ${server.token}` },
    signal: abort.signal,
  });
  void (async () => {
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!name || !data) continue;
          const event = { name, data: JSON.parse(data) as Record<string, unknown> };
          events.push(event);
          for (const w of waiters.splice(0)) (w.test(event) ? w.resolve : (_: Event) => waiters.push(w))(event);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  const waitFor = (test: (e: Event) => boolean) =>
    new Promise<Event>((resolve) => {
      const seen = events.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  const call = async (channel: string, body: unknown) => {
    const response = await fetch(`${server.origin}/api/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ok: boolean; data?: never; error?: ApiErrorBody };
  };
  return { lab, events, waitFor, call };
}

/** Small enough for seconds a run: a short cold start, 3 steps, 4 test items. */
const SMALL = {
  preset: 'smoke',
  benchmarks: ['mini-gsm8k'],
  seeds: [1],
  config: { coldStart: { steps: 150 }, training: { steps: 3 }, evaluation: { items: 4 } },
};

describe('experiment channels through serve mode', () => {
  it('refuses unknown algorithms and untrainable benchmarks in words', async () => {
    const { call } = await serveLab();
    const algorithm = await call('experiments.create', { name: 'x', algorithms: ['nonsense'] });
    expect(algorithm.error?.message).toMatch(/algorithms\.0: unknown algorithm "nonsense"; known: grpo/);
    const benchmark = await call('experiments.create', { name: 'x', benchmarks: ['gsm8k'] });
    expect(benchmark.error?.message).toMatch(/"gsm8k" can't be trained on; the mini suites can: mini-/);
    const config = await call('experiments.create', { name: 'x', config: { training: { steps: -1 } } });
    expect(config.error?.issues).toEqual([{ path: 'config.training.steps', message: expect.any(String) }]);
  });

  it(
    'creates, starts, pauses after a step, resumes from the checkpoint, and exports',
    { timeout: 240_000 },
    async () => {
      const { lab, events, waitFor, call } = await serveLab();
      expect((await call('settings.update', { concurrentRuns: 1 })).ok).toBe(true);
      // Four steps, so a pause asked after the first lands before the last (the owner polls for it every 250 ms).
      const created = await call('experiments.create', {
        name: 'pause and resume',
        algorithms: ['grpo'],
        ...SMALL,
        config: { ...SMALL.config, training: { steps: 4 } },
      });
      const experimentId = (created.data as unknown as { id: number }).id;
      const runs = (await call('runs.list', { experimentId })).data as unknown as { id: number; algorithm: string }[];
      expect(runs.map((r) => r.algorithm).sort()).toEqual(['base', 'grpo']);
      const grpo = runs.find((r) => r.algorithm === 'grpo')!.id;
      const running = new Set<number>();
      let most = 0;
      lab.bus.on('run.status', ({ runId, status }) => {
        if (status === 'running') running.add(runId);
        else running.delete(runId);
        most = Math.max(most, running.size);
      });

      expect((await call('experiments.start', { id: experimentId })).data).toEqual({ experimentId, runs: 2 });
      expect((await call('experiments.start', { id: experimentId })).error?.message).toMatch(/already running here/);
      const first = await waitFor((e) => e.name === 'run.step' && e.data.runId === grpo);
      expect(first.data).toMatchObject({ experimentId, step: 1, totalSteps: 4 });
      expect(typeof (first.data.metrics as Record<string, number>)['reward/mean']).toBe('number');
      // Paused from another lab on the same data folder, as `aepo-lab experiment pause` in another process does: it
      // writes the request into the run's row, and the owner carries it out after the current step.
      const other = openLab({ dataDir: lab.dataDir, mode: 'cli', logError: () => {} });
      expect(await other.dispatch('experiments.pause', { id: experimentId })).toMatchObject({ data: { runs: 1 } });
      other.close();
      const paused = await waitFor((e) => e.name === 'experiment.finished');
      expect(paused.data).toMatchObject({ failures: [], paused: 1 });
      expect(lab.services.runs.get(grpo).status).toBe('paused');
      const checkpointStep = lab.services.checkpoints.latest(grpo)!.step;
      expect(checkpointStep).toBeLessThan(4);

      events.length = 0;
      expect((await call('experiments.resume', { id: experimentId })).data).toEqual({ experimentId, runs: 1 });
      const done = await waitFor((e) => e.name === 'experiment.finished');
      expect(done.data).toMatchObject({ failures: [], paused: 0, cancelled: 0 });
      const steps = events.filter((e) => e.name === 'run.step').map((e) => e.data.step);
      expect(steps).toEqual([2, 3, 4].filter((s) => s > checkpointStep));
      expect(lab.services.metrics.series(grpo, 'reward/mean').map((p) => p.step)).toEqual([1, 2, 3, 4]);
      // The boundary is recorded for the charts to mark.
      expect((await call('runs.resumes', { id: grpo })).data).toEqual([checkpointStep]);
      expect(lab.services.runs.list({ experimentId }).map((r) => r.status)).toEqual(['completed', 'completed']);
      expect(most).toBe(1); // the concurrency setting held

      const results = (await call('experiments.results', { id: experimentId })).data as unknown as {
        algorithm: string;
        'pass@1': number;
      }[];
      expect(results.map((r) => r.algorithm)).toEqual(['base', 'grpo']);
      for (const r of results) expect(r['pass@1']).toBeGreaterThanOrEqual(0);
      const table = (await call('experiments.export', { id: experimentId, format: 'md' })).data as unknown as {
        text: string;
      };
      expect(table.text).toMatch(/^\| grpo \|/m);
      // Every sample of every test item keeps its verdict: 4 items × 5 samples.
      const items = (await call('evaluations.items', { runId: grpo })).data as unknown as {
        index: number;
        sample: number;
        verdict: string;
        gold: string[];
      }[];
      expect(items).toHaveLength(20);
      expect(new Set(items.map((i) => `${i.index}/${i.sample}`)).size).toBe(20);
      for (const item of items) expect(['correct', 'wrong']).toContain(item.verdict);
    },
  );

  it('cancels a running run at once and resumes it later from its checkpoint', { timeout: 240_000 }, async () => {
    const { lab, waitFor, call } = await serveLab();
    const created = await call('experiments.create', { name: 'cancel', algorithms: ['aepo'], ...SMALL });
    const experimentId = (created.data as unknown as { id: number }).id;
    const aepo = (
      (await call('runs.list', { experimentId })).data as unknown as { id: number; algorithm: string }[]
    ).find((r) => r.algorithm === 'aepo')!.id;
    await call('experiments.start', { id: experimentId });
    await waitFor((e) => e.name === 'run.step' && e.data.runId === aepo);
    expect((await call('experiments.pause', { id: 999 })).error?.message).toMatch(/experiment 999 not found/);
    expect((await call('runs.cancel', { id: aepo })).data).toEqual({ changed: true });
    const ended = await waitFor((e) => e.name === 'experiment.finished');
    expect(ended.data).toMatchObject({ cancelled: 1 });
    expect(lab.services.runs.get(aepo).status).toBe('cancelled');

    expect((await call('runs.resume', { id: aepo })).data).toEqual({ started: true });
    await waitFor((e) => e.name === 'run.status' && e.data.runId === aepo && e.data.status === 'completed');
    expect(lab.services.metrics.series(aepo, 'reward/mean').map((p) => p.step)).toEqual([1, 2, 3]);
    expect(lab.services.evaluations.ofRun(aepo).length).toBeGreaterThan(0);
  });
});
