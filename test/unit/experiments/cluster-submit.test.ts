// Sending a smoke experiment to a Ray cluster (the strict stand-in of test/support): the dry run sends nothing and
// prints one valid request per run; the real submission uploads the package once and never submits a run twice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rayJobsClient } from '../../../src-main/clusters/ray-jobs-client';
import { jobPackage } from '../../../src-main/experiments/remote/job-package';
import { launchTable } from '../../../src-main/experiments/remote/remote-runs';
import { sendJob, type SubmitResult } from '../../../src-main/experiments/remote/submit';
import { runConfigSchema } from '../../../src-main/experiments/plan/run-config';
import { cli } from '../../support/cli';
import { smokeOnCluster } from '../../support/smoke-on-cluster';
import { tempDir } from '../../support/temp';

describe('experiment submit', () => {
  it('--dry-run sends nothing and prints one request per run that the cluster accepts', async () => {
    const { dataDir, ray, lab, experimentId } = await smokeOnCluster();
    try {
      const args = [
        '--data-dir',
        dataDir,
        'experiment',
        'submit',
        String(experimentId),
        '--cluster',
        'ray1',
        '--dry-run',
      ];
      const printed = await cli(args);
      expect(printed.code, printed.err).toBe(0);
      expect(printed.out.match(/^POST http:\/\/127\.0\.0\.1:\d+\/api\/jobs\/$/gm)).toHaveLength(8);
      expect(printed.out).toMatch(/^GET .*\/api\/packages\/gcs\/_ray_pkg_[0-9a-f]{32}\.zip$/m);
      expect(printed.out).toMatch(
        /aepo mini-gsm8k seed 1: dry run as aepo-lab-run-\d+-[0-9a-f]{8} \(the authors' verl fork/,
      );
      expect(ray.received).toEqual([]);

      const result = JSON.parse((await cli([...args, '--json'])).out) as SubmitResult;
      const posts = result.requests.filter((r) => r.method === 'POST');
      expect(new Set(posts.map((p) => (p.body as { submission_id: string }).submission_id)).size).toBe(8);
      const aepo = posts.find((p) => (p.body as { metadata: { algorithm: string } }).metadata.algorithm === 'aepo')!;
      const body = aepo.body as { entrypoint: string; runtime_env: { working_dir: string } };
      expect(body.entrypoint).toMatch(/^python3 aepo_lab\/relay\.py -- python3 -m verl\.trainer\.main_ppo /);
      expect(body.entrypoint).toContain('actor_rollout_ref.actor.enable_entropy_balanced_clipping=True');
      expect(body.entrypoint).toContain('actor_rollout_ref.rollout.n=4'); // the smoke preset's group size
      expect(body.entrypoint).toContain("'trainer.logger=['\\''console'\\'','\\''file'\\'']'");
      // Each printed body is a request the (strict) cluster takes, once its package is there.
      const run = lab.services.runs.get(Number((aepo.body as { metadata: { run_id: string } }).metadata.run_id));
      const pkg = jobPackage(run.benchmark, runConfigSchema.parse(run.config));
      expect(pkg.uri).toBe(body.runtime_env.working_dir);
      const client = rayJobsClient({ address: ray.address });
      await client.uploadPackage(pkg.uri, pkg.zip);
      for (const post of posts) {
        const answer = await fetch(post.url, { method: 'POST', body: JSON.stringify(post.body) });
        expect(answer.status, await answer.clone().text()).toBe(200);
      }
    } finally {
      lab.close();
      await ray.close();
    }
  });

  it('uploads the package only when missing, submits each run once, and refuses ablations by name', async () => {
    const { ray, lab, experimentId } = await smokeOnCluster();
    try {
      const extra = await lab.dispatch('runs.create', {
        experimentId,
        algorithm: 'aepo_update_only',
        benchmark: 'mini-gsm8k',
        seed: 1,
      });
      expect(extra.ok).toBe(true);
      const first = await lab.dispatch('experiments.submit', { id: experimentId, cluster: 'ray1' });
      if (!first.ok) throw new Error(first.error.message);
      const result = first.data as SubmitResult;
      expect(result.jobs.filter((j) => j.outcome === 'submitted')).toHaveLength(8);
      expect(result.jobs.find((j) => j.outcome === 'refused')?.reason).toMatch(/no faithful implementation/);
      expect(ray.received.filter((r) => r.path.startsWith('/api/packages/')).map((r) => r.method)).toEqual([
        'GET',
        'PUT',
      ]);
      expect(ray.jobs.size).toBe(8);
      // The runs are the cluster's now: they can't be started here.
      const resumed = await lab.dispatch('runs.resume', { id: lab.services.clusters.jobs.jobs()[0]!.runId });
      expect(resumed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/sent to a cluster/) } });
    } finally {
      lab.close();
      await ray.close();
    }
  });

  it('a second submission or a retry after a lost reply starts nothing twice', async () => {
    const { ray, lab, experimentId } = await smokeOnCluster();
    try {
      await lab.dispatch('experiments.submit', { id: experimentId, cluster: 'ray1', algorithms: ['grpo'] });
      const again = await lab.dispatch('experiments.submit', {
        id: experimentId,
        cluster: 'ray1',
        algorithms: ['grpo'],
      });
      if (!again.ok) throw new Error(again.error.message);
      expect((again.data as SubmitResult).jobs.map((j) => j.outcome)).toEqual(['already submitted']);
      const packageChecks = ray.received.filter((r) => r.path.startsWith('/api/packages/')).length;
      expect(ray.received.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(packageChecks).toBe(2); // GET and PUT, the first time only
      // A retry of a request whose reply was lost: Ray answers 400 "already exists"; the job is there, so it counts.
      const [job] = lab.services.clusters.jobs.jobs();
      await sendJob(rayJobsClient({ address: ray.address }), JSON.parse(job!.request));
      expect(ray.jobs.size).toBe(1);
      // A cluster with runs sent to it can't be forgotten (their status comes from it).
      expect(await lab.dispatch('clusters.remove', { name: 'ray1' })).toMatchObject({
        ok: false,
        error: { message: 'cluster ray1 has runs sent to it; delete those runs first' },
      });
    } finally {
      lab.close();
      await ray.close();
    }
  });

  it('an unreachable cluster is an error in words, and nothing is recorded', async () => {
    const { ray, lab, experimentId } = await smokeOnCluster();
    await ray.close();
    try {
      const answer = await lab.dispatch('experiments.submit', { id: experimentId, cluster: 'ray1' });
      expect(answer).toMatchObject({ ok: false, error: { message: expect.stringMatching(/can't be reached/) } });
      expect(lab.services.clusters.jobs.jobs()).toEqual([]);
      const unknown = await lab.dispatch('experiments.submit', { id: experimentId, cluster: 'nope' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', message: 'cluster nope not found' } });
    } finally {
      lab.close();
    }
  });
});

describe('the per-algorithm launch table', () => {
  it('in the README is the one the jobs are built from, and the CLI prints it', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const lines = readme.slice(readme.indexOf('| algorithm | code base | entrypoint |')).split('\n').slice(2);
    const rows = lines
      .slice(
        0,
        lines.findIndex((line) => !line.startsWith('| ')),
      )
      .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '')));
    const table = launchTable();
    expect(rows.map((r) => r[0])).toEqual(table.map((r) => r.algorithm));
    for (const [row, recipe] of rows.map((r, i) => [r, table[i]!] as const)) {
      if (recipe.refused) expect(row[1]).toBe('refused');
      else {
        expect(row[1]!.startsWith(recipe.codeBase!), `${recipe.algorithm}: ${row[1]}`).toBe(true);
        expect(row[1]).toContain(recipe.repository!);
        expect(row[2]).toBe(`\`${recipe.entrypoint}\``);
      }
    }
    const printed = await cli(['--data-dir', tempDir(), 'cluster', 'algorithms']);
    expect(printed.out).toMatch(/aepo_update_only\s+refused: an ablation/);
  });
});
