import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER === '1';
const present = existsSync(CHROMIUM);

if (!present && required)
  throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
if (!present)
  console.warn(
    `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI sets REQUIRE_BROWSER=1)`,
  );

/** `describe` when Chromium is there, `describe.skip` (with the one line above) when not. */
export const describeBrowser = present ? describe : describe.skip;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const root = join(import.meta.dirname, '..', '..');

/** Builds dist/dashboard when it is missing or older than src/dashboard (a few seconds). */
export async function buildDashboardIfStale(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(root, 'scripts', 'build-dashboard.mjs'), '--if-stale'],
    {
      cwd: root,
    },
  );
}

/**
 * A page that records what went wrong in it: uncaught errors, console errors (CSP violations
 * among them) and any request that left 127.0.0.1 (the dashboard and GraphiQL work offline).
 */
export async function openPage(browser: Browser): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = (await context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
  });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    page.problems.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  return page;
}
