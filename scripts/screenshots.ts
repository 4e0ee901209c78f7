/**
 * npm run screenshots: the README's pictures of the dashboard, taken in Debian's Chromium from a
 * server on a temporary SQLite database (examples seeded), written to src/dashboard/screenshots.
 * A `gate` tool holds one node of a run open, so the live picture shows nodes mid-run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildDashboardIfStale, launchBrowser } from '../tests/dashboard/browser.js';
import {
  createGate,
  START,
  saveGraph,
  startDashboardApp,
} from '../tests/dashboard/dashboard-app.js';

const out = join(import.meta.dirname, '..', 'src', 'dashboard', 'screenshots');
mkdirSync(out, { recursive: true });
await buildDashboardIfStale();
const gate = createGate();
const dir = mkdtempSync(join(tmpdir(), 'aef-shots-'));
const t = await startDashboardApp({}, gate);
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
const shot = async (name: string, p: Page = page) => {
  await p.waitForTimeout(400); // React Flow's fitView settles after the layout
  await p.screenshot({ path: join(out, `${name}.png`) });
  console.log(`wrote src/dashboard/screenshots/${name}.png`);
};

try {
  // A graph page: code-review drawn, its start form, its versions.
  await page.goto(`${t.base}/`);
  await page.click('[data-testid="graph-row-code-review"] a');
  await page.waitForSelector('[data-testid="node-fix"]');
  await shot('graph');

  // A finished run with the state after one event.
  await page.click('[data-testid="start-run"]');
  await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');
  await page.locator('[data-testid="event-log"]').evaluate((el) => {
    el.scrollTop = 0;
  });
  await page.click('[data-testid="event-row"][data-seq="5"]');
  await page.waitForSelector('[data-testid="state-at-event"]');
  await shot('run');

  // A live run: fan-out, one branch held at the gate, the join waiting.
  const graphId = await saveGraph(t, {
    name: 'release',
    entry: 'checkout',
    nodes: [
      { id: 'checkout', tool: 'set_state', config: { values: { sha: 'a1b2c3' } } },
      { id: 'lint', tool: 'set_state', config: { values: { lint: 'clean' } } },
      { id: 'test', tool: 'gate', config: { values: { tests: 412 } }, retry: { maxAttempts: 3 } },
      { id: 'build', tool: 'set_state', config: { values: { image: 'app:a1b2c3' } } },
      { id: 'publish', tool: 'set_state', config: { values: { published: true } } },
    ],
    edges: [
      { from: 'checkout', to: 'lint' },
      { from: 'checkout', to: 'test' },
      { from: 'checkout', to: 'build' },
      { from: 'lint', to: 'publish' },
      { from: 'test', to: 'publish', when: 'state.tests > 0' },
      { from: 'build', to: 'publish' },
    ],
  });
  const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
  await page.goto(`${t.base}/runs/${startRun.id}`);
  await page.waitForSelector('[data-testid="node-test"][data-status="RUNNING"]');
  await page.waitForSelector('[data-testid="node-build"][data-status="SUCCEEDED"]');
  await shot('run-live');
  gate.open();
  await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');

  // The editor with an issue shown at its line.
  await page.goto(`${t.base}/editor`);
  const text = await page.locator('[data-testid="graph-json"]').inputValue();
  await page.fill('[data-testid="graph-json"]', text.replace('"increment"', '"incremnt"'));
  await page.waitForSelector('[data-testid="issue"]');
  await shot('editor');
} finally {
  await browser.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
}
