/// <reference lib="dom" />
// page.evaluate callbacks run in the browser, so this file sees the DOM types.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../support/processes';
import { servedUi } from '../support/served-ui';
import { tempDir } from '../support/temp';

const ARTIFACTS = 'test-artifacts';

/** The real app: `aepo-lab serve` (built renderer, real handlers, SQLite file) driven in Debian's Chromium. */
describe('UI in Chromium against aepo-lab serve', () => {
  let served: Started;
  const dataDir = tempDir('aepo-lab-e2e-');
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let call: (channel: string, body: unknown) => Promise<unknown>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ served, call, browser, page, consoleErrors } = await servedUi(dataDir));
    // An experiment creates its runs: here the base row and one GRPO run (runs 1 and 2); runs 3-5 are added by hand.
    await call('experiments.create', {
      name: 'AEPO vs GRPO on HotpotQA',
      description: 'three seeds each',
      preset: 'smoke',
      algorithms: ['grpo'],
      benchmarks: ['mini-hotpotqa'],
      seeds: [0],
    });
    for (const [algorithm, seed] of [
      ['grpo', 0],
      ['aepo', 0],
      ['aepo', 1],
    ] as const) {
      await call('runs.create', {
        experimentId: 1,
        algorithm,
        benchmark: 'hotpotqa',
        seed,
        config: { algorithmSettings: { clipHigh: algorithm === 'aepo' ? 0.28 : 0.2 } },
      });
    }
    await page.goto(served.url);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens on the runs table with the runs created through the API, and drops the token from the address bar', async () => {
    await page.waitForSelector('[data-test="run-row"]');
    expect(await page.locator('[data-test="run-row"]').count()).toBe(5);
    expect(await page.locator('h1').textContent()).toBe('Runs');
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toMatch(/#\/runs$/);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(247, 247, 249)');
    await page.screenshot({ path: `${ARTIFACTS}/runs.png`, fullPage: true });
  });

  it('shows a run created elsewhere live, through the event stream', async () => {
    await call('runs.create', { algorithm: 'gppo', benchmark: 'musique', seed: 2 });
    await page.waitForFunction(() => document.querySelectorAll('[data-test="run-row"]').length === 6);
    expect(await page.locator('[data-test="run-row"]').first().textContent()).toContain('gppo');
  });

  it('navigates to every page', async () => {
    for (const [name, heading] of [
      ['experiments', 'Experiments'],
      ['compare', 'Compare'],
      ['benchmarks', 'Benchmarks'],
      ['settings', 'Settings'],
      ['study', "Study: the paper's claims"],
      ['runs', 'Runs'],
    ]) {
      await page.click(`[data-test="nav-${name}"]`);
      await page.waitForFunction((text) => document.querySelector('h1')?.textContent === text, heading);
      expect(page.url()).toMatch(new RegExp(`#/${name}$`));
    }
  });

  it('lists the registry, imports a real file with its report, refuses a bad one in words, browses items', async () => {
    await page.click('[data-test="nav-benchmarks"]');
    await page.waitForSelector('[data-test="benchmark-registry"]');
    // The paper's 14 and SimpleQA, and the mini suites, imported or not.
    expect(await page.locator('[data-test="benchmark-registry"] tbody tr').count()).toBeGreaterThanOrEqual(30);
    const bad = join(tempDir(), 'bad.jsonl');
    writeFileSync(bad, '{"question": "q", "answer": ["a"]}\n{"question": 3}\n');
    await page.setInputFiles('[data-test="import-bamboogle"]', bad);
    await expect
      .poll(() => page.locator('[data-test="benchmark-report"]').textContent())
      .toMatch(/bad\.jsonl: line 2, field "\w+": .*; nothing was imported/);
    // Chromium logs the refused request (HTTP 400) as a console error: that one was asked for.
    const refused = consoleErrors.findIndex((e) => /status of 400/.test(e));
    expect(refused).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(refused, 1);
    await page.setInputFiles(
      '[data-test="import-bamboogle"]',
      join('..', 'shared', 'benchmarks', 'bamboogle', 'test.jsonl'),
    );
    await expect
      .poll(() => page.locator('[data-test="benchmark-report"]').textContent())
      .toMatch(/test\.jsonl: 125 items checked and imported; 125 added/);
    await page.click('[data-test="browse-bamboogle-test"]');
    await page.waitForSelector('[data-test="item-browser"] li');
    expect(await page.locator('[data-test="item-browser"] li').count()).toBe(20);
    await page.fill('[aria-label="Search items"]', 'president');
    await expect.poll(() => page.locator('[data-test="item-browser"] h2').textContent()).toMatch(/: \d+ items$/);
    await page.screenshot({ path: `${ARTIFACTS}/benchmarks.png`, fullPage: true });
  });

  it(
    'creates and runs an experiment from the form: multi-selects, a preset, the generated advanced fields',
    { timeout: 240_000 },
    async () => {
      await page.click('[data-test="nav-experiments"]');
      await page.waitForSelector('[data-test="experiment-card"]');
      await page.click('[data-test="new-experiment"]');
      await page.waitForSelector('[data-test="new-experiment-form"]');
      await page.fill('input[placeholder^="AEPO vs GRPO"]', 'Entropy ablation');
      // The smoke preset compares all eight on mini-gsm8k; keep GRPO alone, one seed.
      for (const algorithm of ['dapo', 'reinforce_pp', 'gppo', 'cispo', 'gigpo', 'arpo', 'aepo'])
        await page.uncheck(`[data-test="algorithm-${algorithm}"]`);
      await page.fill('[data-test="seeds"]', '1');
      await page.click('[data-test="advanced"] summary');
      // A wrong value is refused in words before anything is sent.
      await page.fill('#field-training-steps', '-1');
      await expect
        .poll(() => page.locator('[data-test="field-training.steps"] [role="alert"]').textContent())
        .toMatch(/^training\.steps must be at least 0 and at most 100.000$/);
      expect(await page.locator('button[type="submit"]').isDisabled()).toBe(true);
      await page.fill('#field-training-steps', '2');
      await page.fill('#field-coldStart-steps', '40');
      await page.fill('#field-evaluation-items', '2');
      await expect
        .poll(() => page.locator('[data-test="estimate"]').textContent())
        .toMatch(/^2 runs, about \d+ s here/);
      // Power before spending: 2 items can resolve nothing near the paper's margins, and the form says so.
      await expect
        .poll(() => page.locator('[data-test="detectable"]').textContent())
        .toMatch(/mini-gsm8k \d+\.\d points/);
      expect(await page.locator('[data-test="detectable-warning"]').isVisible()).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/new-experiment.png`, fullPage: true });
      await page.click('button[type="submit"]');
      await page.waitForSelector('[data-test="run-grid"]');
      expect(page.url()).toMatch(/#\/experiments\/2$/);
      // It trains in the server's worker threads; the results table fills in as the runs finish.
      await expect
        .poll(() => page.locator('[data-test="results-table"] tbody th').allTextContents(), { timeout: 180_000 })
        .toEqual(['base', 'grpo']);
      await expect.poll(() => page.locator('[data-test="progress"]').textContent()).toMatch(/^\s*100 %/);
      expect(await page.locator('[data-test="run-grid"] tbody tr').count()).toBe(2);
      // Intervals, the method, the comparison with the reference (GRPO: no AEPO here), the profile as SVG and PNG.
      expect(await page.locator('[data-test="table-caption"]').textContent()).toMatch(/two-level stratified bootstrap/);
      expect(await page.locator('[data-test="bold-rule"]').textContent()).toMatch(/^Bold: /);
      expect(await page.locator('[data-test="comparisons"] tbody th').allTextContents()).toEqual(['base']);
      await expect
        .poll(() => page.locator('[data-test="profile-png"]').getAttribute('href'))
        .toMatch(/^data:image\/png;base64,/);
      await page.screenshot({ path: `${ARTIFACTS}/experiment.png`, fullPage: true });
      // The GRPO run's page: its charts draw from the stored series, smoothing and the x axis redraw them.
      await page.click('[data-test="run-grid"] tbody tr:nth-child(2) a');
      await page.waitForSelector('[data-test="chart-reward/mean"] canvas');
      const painted = () =>
        page.evaluate(() => {
          const canvas = document.querySelector('[data-test="chart-reward/mean"] canvas') as HTMLCanvasElement;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
          return inked;
        });
      await expect.poll(painted).toBeGreaterThan(500);
      expect(await page.locator('[data-test^="chart-"]').count()).toBeGreaterThanOrEqual(10);
      // Its log, kept in the database: the evaluation's line is there after the fact.
      await expect
        .poll(() => page.locator('[data-test="run-log"]').textContent())
        .toMatch(/grpo mini-gsm8k seed 1: pass@1 \d+\.\d %/);
      await page.fill('[data-test="smoothing"]', '0.6');
      await page.selectOption('[data-test="x-axis"]', 'time');
      await expect.poll(painted).toBeGreaterThan(500);
      await page.selectOption('[data-test="x-axis"]', 'tokens');
      await expect
        .poll(() => page.locator('[data-test="chart-reward/mean"]').textContent())
        .toMatch(/tokens generated/);
      await expect.poll(painted).toBeGreaterThan(500);
      await page.screenshot({ path: `${ARTIFACTS}/run.png`, fullPage: true });
      // Its rollout trees: the last step's first question, then one trajectory's text shaded by entropy.
      await page.click('[data-test="open-rollouts"]');
      await page.waitForSelector('[data-test="rollout-tree"] rect');
      expect(await page.locator('[data-test="rollout-tree"] rect').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('[data-test="diagnostics"]').textContent()).toMatch(/global samples m\s*4/);
      await page.locator('[data-test="rollout-tree"] rect').first().click();
      await page.waitForSelector('[data-test="trajectory-text"] .tokens span');
      await page.screenshot({ path: `${ARTIFACTS}/rollouts.png`, fullPage: true });
      await page.click('[data-test="nav-experiments"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-test="experiment-card"]').length === 2);
      expect(await page.locator('[data-test="experiment-card"] h2').first().textContent()).toBe('Entropy ablation');
      expect(await page.locator('[data-test="experiment-card"]').nth(1).textContent()).toContain('5 runs');
    },
  );

  it('deletes an experiment from its page, after a second click', async () => {
    const doomed = (await call('experiments.create', {
      name: 'to delete',
      preset: 'smoke',
      algorithms: ['grpo'],
      benchmarks: ['mini-gsm8k'],
      seeds: [1],
    })) as { id: number };
    await page.goto(`${served.origin}/#/experiments/${doomed.id}`);
    await page.waitForSelector('[data-test="run-grid"]');
    expect(await page.locator('[data-test="no-results"]').count()).toBe(1);
    await page.click('[data-test="delete"]');
    await page.click('[data-test="confirm-delete"]');
    await page.waitForFunction(() => location.hash === '#/experiments');
    expect(((await call('experiments.list', {})) as unknown[]).length).toBe(2);
  });

  it('compares the config of two picked runs, differences only', async () => {
    await page.click('[data-test="nav-runs"]');
    await page.waitForSelector('[data-test="run-row"]');
    await page.check('[aria-label="Select run 3"]');
    await page.check('[aria-label="Select run 4"]');
    await page.click('text=Compare 2');
    await page.waitForSelector('[data-test="compare-table"]');
    const keys = await page.locator('[data-test="compare-table"] tbody td:first-child').allTextContents();
    expect(keys).toEqual(['algorithm', 'config.algorithmSettings.clipHigh']);
  });

  it('filters, groups, saves a view and tags runs; the count says what is shown', async () => {
    await page.click('[data-test="nav-runs"]');
    await page.waitForSelector('[data-test="run-row"]');
    const total = await page.locator('[data-test="run-row"]').count();
    await page.fill('input[aria-label="Filter runs"]', 'grpo');
    await expect.poll(() => page.locator('[data-test="run-row"]').count()).toBeLessThan(total);
    const shown = await page.locator('[data-test="run-row"]').count();
    expect(await page.locator('header h1 + p').textContent()).toBe(`${shown} of ${total} runs shown`);
    await page.fill('[data-test="view-name"]', 'grpo only');
    await page.click('[data-test="save-view"]');
    await expect.poll(() => page.locator('[data-test="views"] option').allTextContents()).toContain('grpo only');
    await page.fill('input[aria-label="Filter runs"]', '');
    await expect.poll(() => page.locator('[data-test="run-row"]').count()).toBe(total);
    await page.selectOption('[data-test="views"]', { label: 'grpo only' });
    await expect.poll(() => page.locator('[data-test="run-row"]').count()).toBe(shown);
    await page.fill('input[aria-label="Filter runs"]', '');
    await page.selectOption('[data-test="group-by"]', 'algorithm');
    await expect.poll(() => page.locator('[data-test="group-row"]').count()).toBeGreaterThan(1);
    await page.selectOption('[data-test="group-by"]', 'none');
    // A tag given in the side panel shows in the row, and the filter finds it.
    await page.locator('[data-test="run-row"]').first().click();
    await page.fill('[data-test="tags"]', 'baseline');
    await page.click('[data-test="annotate"] button[type="submit"]');
    await page.waitForSelector('[data-test="annotate"] >> text=Saved.');
    await page.fill('input[aria-label="Filter runs"]', 'baseline');
    await expect.poll(() => page.locator('[data-test="run-row"]').count()).toBe(1);
    await page.fill('input[aria-label="Filter runs"]', '');
    await page.screenshot({ path: `${ARTIFACTS}/runs-table.png`, fullPage: true });
  });

  it('imports a verl run from the Runs page; importing it again changes nothing', async () => {
    await page.click('[data-test="nav-runs"]');
    await page.waitForSelector('[data-test="run-row"]');
    const before = await page.locator('[data-test="run-row"]').count();
    const log = join(tempDir(), 'verl_aepo.jsonl');
    writeFileSync(
      log,
      [1, 2, 3].map((step) => JSON.stringify({ step, data: { 'critic/score/mean': step / 10 } })).join('\n'),
    );
    await page.click('[data-test="import"] summary');
    await page.setInputFiles('[data-test="import-verl"]', log);
    await expect
      .poll(() => page.locator('[data-test="import-report"]').textContent())
      .toMatch(/verl_aepo\.jsonl: run \d+, 3 steps, 3 metric points/);
    await expect.poll(() => page.locator('[data-test="run-row"]').count()).toBe(before + 1);
    await page.setInputFiles('[data-test="import-verl"]', log);
    await expect.poll(() => page.locator('[data-test="import-report"]').textContent()).toMatch(/was imported before/);
    expect(await page.locator('[data-test="run-row"]').count()).toBe(before + 1);
  });

  it('compares two evaluated runs: Δ against the baseline, and an export equal to the CLI export', async () => {
    const runs = (await call('runs.list', { experimentId: 2 })) as { id: number; algorithm: string }[];
    const ids = runs.map((r) => r.id).sort((a, b) => a - b);
    await page.goto(`${served.origin}/#/compare?runs=${ids.join(',')}`);
    await page.waitForSelector('[data-test="delta-table"] tbody tr');
    expect(await page.locator('[data-test="delta-table"] tbody th').allTextContents()).toEqual(
      ids.map((id, i) => `${i === 0 ? 'base' : 'grpo'} #${id}`),
    );
    expect(await page.locator('[data-test="delta-table"] .delta').first().textContent()).toMatch(/^[+−]\d+\.\d$/);
    await page.waitForSelector('[data-test="compare-chart-reward/mean"] canvas');
    for (const format of ['md', 'csv', 'latex'] as const) {
      await page.selectOption('[data-test="export-format"]', format);
      const cli = spawnSync(
        process.execPath,
        ['bin/aepo-lab.js', '--data-dir', dataDir, 'export', '--runs', ids.join(','), '--format', format],
        { encoding: 'utf8' },
      );
      expect(cli.status, cli.stderr).toBe(0);
      await expect.poll(() => page.locator('[data-test="export-preview"]').textContent()).toBe(cli.stdout);
    }
    await page.screenshot({ path: `${ARTIFACTS}/compare.png`, fullPage: true });
  });

  it('switches to the dark theme and keeps it after a reload', async () => {
    await page.click('[data-test="nav-settings"]');
    await page.check('[data-test="theme-dark"]');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(() => call('settings.get', {})).toMatchObject({ theme: 'dark' });
    await page.reload();
    await page.click('[data-test="nav-runs"]');
    await page.waitForSelector('[data-test="run-row"]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(19, 20, 25)');
    await page.screenshot({ path: `${ARTIFACTS}/runs-dark.png`, fullPage: true });
  });

  it('shows the data folder and the backend runs train on; refuses bad seeds in words', async () => {
    await page.click('[data-test="nav-settings"]');
    await expect.poll(() => page.locator('[data-test="data-dir"]').textContent()).toBe(dataDir);
    await expect
      .poll(() => page.locator('[data-test="backend"]').textContent(), { timeout: 30_000 })
      .toMatch(
        /Runs train and sample on onnxruntime cpu \(ONNX Runtime\); TensorFlow.js on wasm .*cuda provider was tried first and skipped: not installed/s,
      );
    await page.fill('[aria-label="Default seeds"]', '1, x');
    await page.click('form:has([aria-label="Default seeds"]) button[type="submit"]');
    await expect
      .poll(() => page.locator('form:has([aria-label="Default seeds"]) .muted').textContent())
      .toBe('Seeds are whole numbers from 0, separated by commas (at least one).');
    await page.screenshot({ path: `${ARTIFACTS}/settings.png`, fullPage: true });
  });

  it('sets the LLM judge in Settings; its key is stored but never shown', async () => {
    await page.click('[data-test="nav-settings"]');
    // The form fills itself from the stored settings first; typing before that would be overwritten.
    await page.waitForSelector('[data-test="connections"][data-loaded="yes"]');
    await page.fill('[data-test="judge-url"]', 'not a url');
    await page.click('[data-test="save-connections"]');
    await page.waitForSelector('[data-test="connections"] >> text=The judge endpoint must be a web address');
    await page.fill('[data-test="judge-url"]', 'http://127.0.0.1:9/v1');
    await page.fill('[data-test="judge-model"]', 'judge-model');
    await page.fill('[data-test="judge-key"]', 'sk-secret');
    await page.click('[data-test="save-connections"]');
    await page.waitForSelector('[data-test="connections"] >> text=Saved.');
    expect(await call('settings.get', {})).toMatchObject({
      judge: { baseUrl: 'http://127.0.0.1:9/v1', model: 'judge-model' },
    });
    expect(await call('settings.secretsSet', {})).toMatchObject({ judgeApiKey: true });
    expect(await page.inputValue('[data-test="judge-key"]')).toBe('');
    expect(JSON.stringify(await call('settings.get', {}))).not.toContain('sk-secret');
  });

  it("plans the paper-claims study under a budget and shows a study's verdicts and figures", async () => {
    await page.click('[data-test="nav-study"]');
    await page.waitForSelector('[data-test="study-plan-summary"] >> text=10 algorithms');
    await page.waitForSelector('text=No study yet');
    await page.fill('[data-test="study-budget"]', '30');
    await page.click('[data-test="study-plan"]');
    const plan = (await call('studies.plan', { budgetMinutes: 30 })) as { input: unknown; estimate: { runs: number } };
    await page.waitForFunction(
      (runs) => document.querySelector('[data-test="study-plan-summary"]')?.textContent?.includes(`: ${runs} runs`),
      plan.estimate.runs,
    );
    // A study made elsewhere (as the CLI makes it) appears, and its report reads what is stored: nothing has run yet.
    await call('experiments.create', plan.input);
    await page.waitForSelector('[data-test="study-claims"] tbody tr');
    expect(await page.locator('[data-test="study-claims"] tbody tr').count()).toBe(4);
    expect(await page.locator('[data-test="study-claims"]').textContent()).toContain('inconclusive');
    await page.waitForSelector('text=have not finished');
    // Branching, entropy and learning curves; the results and the profile wait for evaluations.
    expect(await page.locator('[data-test="study-figure"] img').count()).toBe(4);
    await page.screenshot({ path: `${ARTIFACTS}/study.png`, fullPage: true });
  });

  it('logged no console errors', () => {
    expect(consoleErrors.join('\n')).toBe('');
  });

  it('without the token the API answers 401 and the page says how to sign in', async () => {
    const status = (await fetch(`${served.origin}/api/runs.list`, { method: 'POST', body: '{}' })).status;
    expect(status).toBe(401);
    const stranger = await browser.newPage();
    await stranger.goto(`${served.origin}/`);
    await stranger.waitForSelector('.banner.error');
    expect(await stranger.locator('.banner.error').first().textContent()).toMatch(/open the URL \(with its token\)/);
    expect(await stranger.locator('.banner.error').count()).toBe(1); // one sign-in banner, not one per request
    await stranger.close();
  });
});
