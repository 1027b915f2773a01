/**
 * Debian's Chromium driven by playwright-core (no browser is ever downloaded): scripts/setup.sh
 * installs the `chromium` package. When it is missing (or EDOC_BRIDGE_NO_BROWSER=1) the browser
 * tests are declared skipped (`browserTest`), and scripts/test.sh fails on any skipped test.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext, TestFn } from 'ava';
import { declareSkipped } from './skip.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.EDOC_BRIDGE_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (printed by the tests so a person can look at them). */
export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../var/screenshots');

/** True when the browser tests were opted out of (EDOC_BRIDGE_NO_BROWSER=1). */
export function browserOptedOut(): boolean {
  return process.env.EDOC_BRIDGE_NO_BROWSER === '1';
}

const MISSING = `Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\` as root (it installs Debian's chromium package)`;

/** ava's `test` for a file of browser tests: declared skipped (visibly) when opted out or Chromium is missing. */
export function browserTest<T>(test: TestFn<T>): TestFn<T> {
  if (browserOptedOut()) return declareSkipped(test, 'browser tests', 'EDOC_BRIDGE_NO_BROWSER=1');
  if (!existsSync(CHROMIUM)) return declareSkipped(test, 'browser tests', MISSING);
  return test;
}

/** Call first in every browser test: false after failing the test when Chromium went away since the file loaded. */
export function requireChromium(t: ExecutionContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  t.fail(MISSING);
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
