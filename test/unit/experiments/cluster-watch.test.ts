// Watching runs on a cluster (the strict stand-in): statuses mirror the jobs', the log streams into the run's log,
// verl metrics in the job log become the run's metrics once each, a lost connection is retried without failing the
// run, and stop and delete reach the cluster.
import { describe, expect, it } from 'vitest';
import { ClusterWatcher } from '../../../src-main/experiments/remote/cluster-watch';
import { METRICS_MARKER } from '../../../src-main/experiments/remote/job-scripts';
import { smokeOnCluster } from '../../support/smoke-on-cluster';

const metricsLine = (step: number, data: Record<string, number>) =>
  `${METRICS_MARKER}${JSON.stringify({ step, data })}\n`;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function submitted() {
  const setup = await smokeOnCluster();
  const { lab, experimentId } = setup;
  const answer = await lab.dispatch('experiments.submit', { id: experimentId, cluster: 'ray1' });
  if (!answer.ok) throw new Error(answer.error.message);
  await lab.clusterWatcher.stop(); // submitting started the lab's own watcher; these tests drive theirs
  const jobs = lab.services.clusters.jobs.jobs();
  const watcher = new ClusterWatcher(lab.services, lab.bus, { pollMs: 10, maxBackoffMs: 40 });
  return { ...setup, jobs, watcher };
}

describe('watching runs on a cluster', () => {
  it('mirrors status, streams the log and imports metrics once, through to the end', async () => {
    const { ray, lab, jobs, watcher } = await submitted();
    try {
      const [job] = jobs;
      const id = job!.submissionId;
      const steps: number[] = [];
      lab.bus.on('run.step', (e) => e.runId === job!.runId && steps.push(e.step));
      ray.setStatus(id, 'RUNNING');
      ray.appendLog(id, `starting verl\n${metricsLine(1, { 'critic/score/mean': 0.25, 'actor/pg_clipfrac': 0.1 })}`);
      await watcher.tick();
      expect(lab.services.runs.get(job!.runId)).toMatchObject({ status: 'running', backend: 'verl on Ray' });
      await until(() => steps.length === 1, 'step 1');
      // A record split across two chunks arrives whole, once.
      const record = metricsLine(2, { 'critic/score/mean': 0.5 });
      ray.appendLog(id, record.slice(0, 20));
      ray.appendLog(id, record.slice(20));
      await until(() => steps.length === 2, 'step 2');
      // The stream broke and is opened again: Ray resends the log from its start, nothing is read twice.
      await watcher.stop();
      await watcher.tick();
      ray.appendLog(id, 'epoch done\n');
      await until(() => lab.services.runs.logLines(job!.runId).some((l) => l.line === 'epoch done'), 'the new line');
      ray.appendLog(
        id,
        metricsLine(3, {
          'critic/score/mean': 0.75,
          'val-core/mini-gsm8k/acc/mean@5': 0.4, // the smoke preset's 5 samples per test item
          'val-core/mini-gsm8k/acc/best@5/mean': 0.7,
        }),
      );
      ray.setStatus(id, 'SUCCEEDED', 'Job finished successfully.');
      await watcher.tick();
      expect(lab.services.runs.get(job!.runId).status).toBe('completed');
      const reward = lab.services.metrics.series(job!.runId, 'reward/mean', {});
      expect(reward.map((p) => [p.step, p.value])).toEqual([
        [1, 0.25],
        [2, 0.5],
        [3, 0.75],
      ]);
      expect(lab.services.metrics.series(job!.runId, 'actor/pg_clipfrac_upper', {})).toHaveLength(1);
      expect(lab.services.runs.logLines(job!.runId).map((l) => l.line)).toEqual(['starting verl', 'epoch done']);
      expect(lab.services.clusters.jobs.job(job!.runId)).toMatchObject({ rayStatus: 'SUCCEEDED', metricsStep: 3 });
      // verl's validation accuracy is the run's Pass@1 and Pass@5, in the results table like a local run's.
      expect(lab.services.evaluations.ofRun(job!.runId)).toEqual([
        { runId: job!.runId, step: 3, benchmark: 'mini-gsm8k', metric: 'pass', k: 1, value: 40, n: 8 },
        { runId: job!.runId, step: 3, benchmark: 'mini-gsm8k', metric: 'pass', k: 5, value: 70, n: 8 },
      ]);
    } finally {
      await watcher.stop();
      lab.close();
      await ray.close();
    }
  });

  it('a lost connection is retried with backoff and never fails the run; a failed job fails it', async () => {
    const { ray, lab, jobs, watcher } = await submitted();
    try {
      const [job] = jobs;
      ray.setStatus(job!.submissionId, 'RUNNING');
      await watcher.tick();
      lab.services.clusters.save('ray1', 'http://127.0.0.1:9'); // nothing listens there
      for (let i = 0; i < 3; i++) await watcher.tick();
      expect(lab.services.runs.get(job!.runId).status).toBe('running');
      expect(lab.services.clusters.jobs.job(job!.runId)!.message).toMatch(/can't be reached.*retrying in \d+ s/);
      lab.services.clusters.save('ray1', ray.address);
      ray.setStatus(job!.submissionId, 'FAILED', 'Job entrypoint command failed with exit code 1');
      watcher.start();
      await until(() => lab.services.clusters.jobs.job(job!.runId)!.rayStatus === 'FAILED', 'the retry');
      expect(lab.services.runs.get(job!.runId)).toMatchObject({
        status: 'failed',
        error: 'Job entrypoint command failed with exit code 1',
      });
    } finally {
      await watcher.stop();
      lab.close();
      await ray.close();
    }
  });

  it('a job whose submission got no reply is sent again; one the cluster refuses fails its run, in words', async () => {
    const { ray, lab, jobs, watcher } = await submitted();
    try {
      const [lost, bad] = jobs;
      // As if neither request had reached the cluster, and the second had a field Ray does not take.
      for (const job of [lost!, bad!]) {
        ray.jobs.delete(job.submissionId);
        lab.services.clusters.jobs.setStatus(job.runId, 'SUBMITTING', 'no reply');
      }
      const request = { ...JSON.parse(bad!.request), working_dir: '.' };
      lab.db.prepare('UPDATE cluster_jobs SET request = ? WHERE run_id = ?').run(JSON.stringify(request), bad!.runId);
      await watcher.tick();
      expect(ray.jobs.get(lost!.submissionId)?.status).toBe('PENDING');
      expect(lab.services.clusters.jobs.job(lost!.runId)!.rayStatus).toBe('PENDING');
      expect(lab.services.runs.get(bad!.runId)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^the cluster refused the job: .*unexpected keyword argument 'working_dir'/),
      });
      expect(ray.jobs.has(bad!.submissionId)).toBe(false);
    } finally {
      await watcher.stop();
      lab.close();
      await ray.close();
    }
  });

  it('stop and delete from the app reach the cluster; a job still going is not deleted', async () => {
    const { ray, lab, jobs, watcher } = await submitted();
    try {
      const [first, second] = jobs;
      expect(await lab.dispatch('runs.cancel', { id: first!.runId })).toMatchObject({
        ok: true,
        data: { changed: true },
      });
      expect(ray.jobs.get(first!.submissionId)!.status).toBe('STOPPED');
      await watcher.tick();
      expect(lab.services.runs.get(first!.runId).status).toBe('cancelled');
      expect(await lab.dispatch('runs.pause', { id: second!.runId })).toMatchObject({
        ok: false,
        error: { message: `run ${second!.runId} runs on a cluster; stop it there instead of pausing` },
      });
      expect(await lab.dispatch('runs.delete', { id: first!.runId })).toMatchObject({ ok: true });
      expect(ray.jobs.has(first!.submissionId)).toBe(false);
      const refused = await lab.dispatch('runs.delete', { id: second!.runId });
      expect(refused).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/is PENDING on ray1; stop it/) },
      });
      expect(lab.services.runs.get(second!.runId).id).toBe(second!.runId);
      expect(await lab.dispatch('runs.execution', { id: second!.runId })).toMatchObject({
        ok: true,
        data: { executor: 'ray', cluster: 'ray1', rayStatus: 'PENDING', submissionId: second!.submissionId },
      });
      const experimentId = lab.services.runs.get(second!.runId).experimentId!;
      expect(await lab.dispatch('experiments.delete', { id: experimentId })).toMatchObject({
        ok: false,
        error: { message: `experiment ${experimentId} has 7 run(s) still going on ray1; stop them first` },
      });
      // The experiment's pause pauses its local runs (the base row) and leaves its cluster runs going (a Ray job can
      // only be stopped); its cancel stops them on the cluster, as a run's own cancel does, and cancels the rest.
      const local = lab.services.runs.list({ experimentId }).filter((run) => run.executor === 'local');
      expect(local.map((run) => run.algorithm)).toEqual(['base']);
      expect(await lab.dispatch('experiments.pause', { id: experimentId })).toMatchObject({ data: { runs: 1 } });
      expect(lab.services.runs.get(second!.runId).status).toBe('queued');
      expect(await lab.dispatch('experiments.cancel', { id: experimentId })).toMatchObject({ data: { runs: 8 } });
      expect(lab.services.runs.get(local[0]!.id).status).toBe('cancelled');
      for (const job of lab.services.clusters.jobs.jobs().filter((j) => j.runId !== first!.runId))
        expect(ray.jobs.get(job.submissionId)?.status ?? 'STOPPED').toBe('STOPPED');
      await watcher.tick();
      expect(lab.services.runs.get(second!.runId)).toMatchObject({ status: 'cancelled', executor: 'ray' });
      expect(await lab.dispatch('experiments.delete', { id: experimentId })).toMatchObject({ ok: true });
    } finally {
      await watcher.stop();
      lab.close();
      await ray.close();
    }
  });
});
