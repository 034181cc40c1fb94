/// <reference lib="dom" />
// Clusters in the app, in Chromium against `aepo-lab serve` and the strict Ray stand-in: add one in Settings (its
// token never shown), preview and send an experiment from its page, and see a run mirror its job.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../support/processes';
import { startRayStandIn, type RayStandIn } from '../support/ray-stand-in';
import { servedUi } from '../support/served-ui';
import { tempDir } from '../support/temp';

const ARTIFACTS = 'test-artifacts';

describe('Ray clusters in the UI', () => {
  let served: Started;
  let ray: RayStandIn;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let call: (channel: string, body: unknown) => Promise<unknown>;

  beforeAll(async () => {
    ray = await startRayStandIn({ token: 'ray-token' });
    ({ served, call, browser, page, consoleErrors } = await servedUi(tempDir('aepo-lab-e2e-')));
    await page.goto(served.url);
  });

  afterAll(async () => {
    await browser?.close();
    await ray?.close();
  });

  it('adds a cluster in Settings and checks it; the token is stored, never shown', async () => {
    await page.click('[data-test="nav-settings"]');
    await page.fill('[aria-label="Cluster name"]', 'lab-ray');
    await page.fill('[aria-label="Dashboard address"]', ray.address);
    await page.fill('[aria-label="Cluster token"]', 'ray-token');
    await page.click('[data-test="clusters"] button[type="submit"]');
    await page.waitForSelector('[data-test="cluster-lab-ray"]');
    expect(await page.inputValue('[aria-label="Cluster token"]')).toBe('');
    expect(JSON.stringify(await call('clusters.list', {}))).not.toContain('ray-token');
    await page.click('[data-test="cluster-lab-ray"] button:has-text("Check")');
    await expect
      .poll(() => page.locator('[data-test="cluster-check"]').textContent())
      .toBe('reachable: Ray 2.49.0, Jobs API 4');
    await page.screenshot({ path: `${ARTIFACTS}/settings-clusters.png`, fullPage: true });
  });

  it('previews the jobs of an experiment (nothing sent), sends them, and a run page mirrors its job', async () => {
    const experiment = (await call('experiments.create', {
      name: 'to the cluster',
      preset: 'smoke',
      algorithms: ['aepo', 'grpo'],
      benchmarks: ['mini-gsm8k'],
      seeds: [1],
    })) as { id: number };
    await page.goto(`${served.origin}/#/experiments/${experiment.id}`);
    await page.click('[data-test="send-to-cluster-open"]');
    await page.click('[data-test="preview-jobs"]');
    await page.waitForSelector('[data-test="cluster-jobs"]');
    expect(await page.locator('[data-test="cluster-jobs"] tbody tr').count()).toBe(2);
    expect(await page.locator('[data-test="send-to-cluster"] [role="status"]').textContent()).toMatch(
      /Dry run: nothing was sent\. 4 request\(s\)/,
    );
    expect(ray.received.filter((r) => r.method !== 'GET' || r.path !== '/api/version')).toEqual([]);
    await page.click('[data-test="send-jobs"]');
    await expect.poll(() => ray.jobs.size).toBe(2);
    await expect
      .poll(() => page.locator('[data-test="cluster-jobs"] tbody').textContent())
      .toMatch(/aepo mini-gsm8k seed 1submitted/);
    await page.screenshot({ path: `${ARTIFACTS}/experiment-send-to-cluster.png`, fullPage: true });

    const [submissionId] = [...ray.jobs.keys()];
    const runId = Number(submissionId!.split('-')[3]);
    ray.setStatus(submissionId!, 'RUNNING');
    await page.goto(`${served.origin}/#/runs/${runId}`);
    // serve mode watches the cluster (every 3 s): the run turns running and says where.
    await expect
      .poll(() => page.locator('[data-test="remote-job"]').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`On cluster lab-ray .* as Ray job ${submissionId}: RUNNING`));
    expect(await page.locator('[data-test="run-cancel"]').textContent()).toMatch(/Stop on the cluster/);
    await page.click('[data-test="run-cancel"]');
    await expect.poll(() => ray.jobs.get(submissionId!)!.status).toBe('STOPPED');
    await expect
      .poll(() => page.locator('[data-test="remote-job"]').textContent(), { timeout: 15_000 })
      .toMatch(/STOPPED/);
  });

  it('logged no console errors', () => {
    expect(consoleErrors.join('\n')).toBe('');
  });
});
