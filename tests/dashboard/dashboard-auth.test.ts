import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDashboardIfStale, describeBrowser, launchBrowser, openPage } from './browser.js';
import {
  createGate,
  type DashboardApp,
  START,
  saveGraph,
  startDashboardApp,
} from './dashboard-app.js';

/**
 * Under AUTH=apikey the dashboard asks for a key, then sends it over HTTP and graphql-ws (a run
 * followed live needs both).
 */
describeBrowser('dashboard with AUTH=apikey in Chromium', () => {
  const gate = createGate();
  let t: DashboardApp;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    await buildDashboardIfStale();
    [t, browser] = await Promise.all([
      startDashboardApp({ AUTH: 'apikey' }, gate),
      launchBrowser(),
    ]);
    ({ key } = await t.app.apiKeys.create({ tenantId: 'acme', role: 'writer', name: 'browser' }));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks for an API key, then reads graphs and follows a run live with it', async () => {
    const page = await openPage(browser);
    await page.goto(`${t.base}/`);
    await page.waitForSelector('[data-testid="auth-prompt"]');
    await page.fill('#credential', 'aef_not_a_key');
    await page.click('[data-testid="auth-prompt"] button');
    await page.waitForSelector('[data-testid="auth-prompt"]:has-text("refused")');
    await page.fill('#credential', key);
    await page.click('[data-testid="auth-prompt"] button');
    await page.waitForSelector('[data-testid="graphs-table"]');
    const graphId = await saveGraph(
      t,
      {
        name: 'tenant-graph',
        entry: 'a',
        nodes: [
          { id: 'a', tool: 'set_state', config: { values: { ok: true } } },
          { id: 'b', tool: 'gate' },
        ],
        edges: [{ from: 'a', to: 'b' }],
      },
      key,
    );
    await page.goto(`${t.base}/runs`);
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId }, key);
    await page.click(`[data-run="${startRun.id}"] a >> nth=0`);
    // Held at the gate until the page shows it; what follows comes over the authenticated socket.
    await page.waitForSelector('[data-testid="node-b"][data-status="RUNNING"]');
    gate.open();
    await page.waitForSelector('[data-testid="node-b"][data-status="SUCCEEDED"]');
    await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');
    // The 401s of the refused key and of the first load are the only console errors.
    expect(page.problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.context().close();
  });
});
