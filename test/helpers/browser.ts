/**
 * Debian's Chromium driven by playwright-core (no browser is ever downloaded): scripts/setup.sh
 * installs the `chromium` package. When it is missing the browser tests FAIL with a message that
 * says so (CI must not pass without them), unless EDOC_BRIDGE_NO_BROWSER=1 makes them skip loudly.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.EDOC_BRIDGE_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (printed by the tests so a person can look at them). */
export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../var/screenshots');

/** True when the browser tests were opted out of (EDOC_BRIDGE_NO_BROWSER=1). */
export function browserOptedOut(): boolean {
  return process.env.EDOC_BRIDGE_NO_BROWSER === '1';
}

/** Call first in every browser test: false (after failing, or a loud skip note) when Chromium is not there. */
export function requireChromium(t: ExecutionContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\` as root (it installs Debian's chromium package)`;
  if (browserOptedOut()) {
    t.log(`SKIPPED (EDOC_BRIDGE_NO_BROWSER=1): ${msg}`);
    process.stderr.write(`\n*** SKIPPED: "${t.title}": ${msg} ***\n`);
    t.pass();
    return false;
  }
  t.fail(msg);
  return false;
}

export type Browser = { context: BrowserContext; page: Page; errors: string[]; dialogs: string[]; close(): Promise<void> };

/** Launch Chromium headless with a fresh profile; page errors and dialogs are recorded (an XSS would show there). */
export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'edoc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: { width: 1400, height: 1000 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('dialog', async d => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.accept();
  });
  return {
    context,
    page,
    errors,
    dialogs,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshot the page into `dir` (created) as NN-name.png; returns the file. */
export async function shot(page: Page, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
