// `aepo-lab serve` (the built bin, a real SQLite file) and Debian's Chromium on it, as the UI tests drive them.
import { chromium } from 'playwright-core';
import { startUntilUrl } from './processes';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function servedUi(dataDir: string) {
  const served = await startUntilUrl(
    process.execPath,
    ['bin/aepo-lab.js', 'serve', '--port', '0', '--data-dir', dataDir],
    {},
  );
  /** One API call with the access token, answering the envelope's data. */
  const call = async (channel: string, body: unknown) => {
    const response = await fetch(`${served.origin}/api/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { data: unknown }).data;
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--test-type'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  /** Every console error and uncaught page error: a test asserts there are none. */
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { served, call, browser, page, consoleErrors };
}
