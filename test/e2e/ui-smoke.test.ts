/// <reference lib="dom" />
// Every page in Chromium through serve mode, against a database filled by a real `smoke` experiment (all eight
// algorithms): each page draws without console errors, every control on it is reachable with the keyboard, the pages
// fit 800 px, and a screenshot of each goes to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUntilUrl, type Started } from '../support/processes';
import { copyOfSmoke, sharedSmoke } from '../support/shared-smoke';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';

/** Tabs through the page and says which visible controls never took the focus. */
async function unreachable(page: Page): Promise<string[]> {
  const count = await page.evaluate(`(() => {
    const controls = [...document.querySelectorAll('main a[href], main button, main input, main select, main textarea, main summary, nav a[href]')]
      .filter((el) => !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      // Inside a closed <details> only its summary can take the focus, until it is opened.
      .filter((el) => el.tagName === 'SUMMARY' || !el.closest('details:not([open])'));
    controls.forEach((el, i) => el.setAttribute('data-kb', String(i)));
    document.activeElement?.blur?.();
    return controls.length;
  })()`);
  const seen = new Set<string>();
  for (let i = 0; i < (count as number) + 10; i++) {
    await page.keyboard.press('Tab');
    const index = await page.evaluate(`document.activeElement?.getAttribute('data-kb') ?? ''`);
    if (index) seen.add(index as string);
  }
  // A radio group is one tab stop (arrow keys move within it): one focused member reaches the group.
  return (await page.evaluate(`[...document.querySelectorAll('[data-kb]')]
    .filter((el) => !new Set(${JSON.stringify([...seen])}).has(el.getAttribute('data-kb')))
    .filter((el) => !(el.type === 'radio' && [...document.querySelectorAll('input[name="' + el.name + '"]')]
      .some((r) => new Set(${JSON.stringify([...seen])}).has(r.getAttribute('data-kb')))))
    .map((el) => el.outerHTML.slice(0, 120))`)) as string[];
}

describe('every page against a real smoke experiment', () => {
  let served: Started;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const smoke = await sharedSmoke();
    expect(smoke.code, smoke.err).toBe(0);
    const dataDir = await copyOfSmoke();
    served = await startUntilUrl(
      process.execPath,
      ['bin/aepo-lab.js', 'serve', '--port', '0', '--data-dir', dataDir],
      {},
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--test-type'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(served.url);
    await page.waitForSelector('[data-test="run-row"]');
  }, 500_000);

  afterAll(async () => {
    await browser?.close();
  });

  // smoke creates the base row (run 1), then one run per algorithm in this order.
  const ORDER = ['grpo', 'dapo', 'reinforce_pp', 'gppo', 'cispo', 'gigpo', 'arpo', 'aepo'];
  const AEPO = 2 + ORDER.indexOf('aepo');
  const GRPO = 2 + ORDER.indexOf('grpo');
  const pages: [string, string, string][] = [
    ['runs', '#/runs', '[data-test="run-row"]'],
    ['experiments', '#/experiments', '[data-test="experiment-card"]'],
    ['experiment', '#/experiments/1', '[data-test="results-table"]'],
    ['new-experiment', '#/experiments/new', '[data-test="new-experiment-form"]'],
    ['run-aepo', `#/runs/${AEPO}`, '[data-test="chart-reward/mean"] canvas'],
    ['rollouts-aepo', `#/runs/${AEPO}/rollouts`, '[data-test="rollout-tree"] rect'],
    ['compare', `#/compare?runs=${GRPO},${AEPO}`, '[data-test="delta-table"] tbody tr'],
    ['benchmarks', '#/benchmarks', '[data-test="benchmark-registry"]'],
    ['settings', '#/settings', '[data-test="data-dir"]'],
  ];

  for (const [name, hash, ready] of pages) {
    it(`${name}: draws, every control is reachable by keyboard, fits 800 px`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${served.origin}/${hash}`);
      await page.waitForSelector(ready);
      await page.screenshot({ path: `${ARTIFACTS}/smoke-${name}.png`, fullPage: true });
      expect(await unreachable(page)).toEqual([]);
      await page.setViewportSize({ width: 800, height: 800 });
      // Wide tables scroll inside their box; the page itself never scrolls sideways.
      await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
    });
  }

  // The form's text inputs and selects once ran past the right edge of their card in a 1280 × 800 window (a select
  // sizes itself to its longest option); every control must stay inside its card, the advanced fields included.
  it('new experiment: every control fits inside its card at every width the app supports', async () => {
    await page.goto(`${served.origin}/#/experiments/new`);
    await page.waitForSelector('[data-test="new-experiment-form"]');
    await page.click('[data-test="advanced"] summary');
    for (const width of [800, 1024, 1280, 1600, 1920]) {
      await page.setViewportSize({ width, height: 800 });
      const outside = await page.evaluate(() => {
        const card = document.querySelector('[data-test="new-experiment-form"]')!.getBoundingClientRect();
        return Array.from(document.querySelectorAll('[data-test="new-experiment-form"] :is(input, select, textarea)'))
          .map((control) => ({ control, box: control.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && (box.right > card.right + 0.5 || box.left < card.left - 0.5))
          .map(
            ({ control, box }) =>
              `${control.outerHTML.slice(0, 60)} ${Math.round(box.left)}–${Math.round(box.right)} px, card ${Math.round(card.left)}–${Math.round(card.right)}`,
          );
      });
      expect(outside, `at ${width} px`).toEqual([]);
    }
  });

  it('the AEPO run and its trees show what the paper measures', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${served.origin}/#/runs/${AEPO}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Run ${AEPO}: aepo on mini-gsm8k, seed 1`);
    await page.waitForSelector('[data-test="chart-rollout/branches_per_question"] canvas');
    await page.goto(`${served.origin}/#/runs/${AEPO}/rollouts`);
    await page.waitForSelector('[data-test="diagnostics"]');
    expect(await page.locator('[data-test="diagnostics"]').textContent()).toMatch(/global samples m\s*\d/);
    // Every branch decision of the step: its histogram of P, and the share forked against the mean P.
    expect(await page.locator('[data-test="decision-histogram"] figcaption').textContent()).toMatch(
      /\d+ branch decisions over \d+ questions\. Mean P \d+ %; forked \d+ % \(expected/,
    );
    expect(await page.locator('[data-test="premonitor"]').textContent()).toMatch(
      /Ĥ root \/ Ĥ tool\s*\d\.\d\d \/ \d\.\d\d/,
    );
  });

  it('logged no console errors', () => {
    expect(consoleErrors.join('\n')).toBe('');
  });
});
