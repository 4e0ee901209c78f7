import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildDashboardIfStale, describeBrowser, launchBrowser, openPage } from './browser.js';
import {
  createGate,
  type DashboardApp,
  START,
  saveGraph,
  startDashboardApp,
} from './dashboard-app.js';

/**
 * The dashboard in Debian's Chromium against a real server: graphs drawn, a run followed live
 * (node colours from runEvents), a failed run's error, cancel, the event log and the state at
 * an event, the live runs list, the editor's inline validation, the tools page.
 */
const GATED = {
  name: 'gated',
  entry: 'before',
  nodes: [
    { id: 'before', tool: 'set_state', config: { values: { step: 1 } } },
    { id: 'wait', tool: 'gate', config: { values: { step: 2 } } },
    { id: 'after', tool: 'set_state', config: { values: { step: 3 } } },
  ],
  edges: [
    { from: 'before', to: 'wait' },
    { from: 'wait', to: 'after' },
  ],
};

const status = (page: Page, node: string, value: string) =>
  page.waitForSelector(`[data-testid="node-${node}"][data-status="${value}"]`);

describeBrowser('dashboard in Chromium', () => {
  const gate = createGate();
  let t: DashboardApp;
  let browser: Browser;
  let page: Page & { problems: string[] };

  beforeAll(async () => {
    await buildDashboardIfStale();
    [t, browser] = await Promise.all([startDashboardApp({}, gate), launchBrowser()]);
    page = await openPage(browser);
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  // No uncaught error, CSP violation or request off this machine on any page.
  afterEach(() => expect(page.problems.splice(0)).toEqual([]));

  it('lists the example graphs and draws code-review with its tools, loop bound and condition', async () => {
    await page.goto(`${t.base}/`);
    await page.click('[data-testid="graph-row-code-review"] a');
    const lint = page.locator('[data-testid="node-lint"]');
    await lint.waitFor();
    expect(await lint.textContent()).toContain('lint_files');
    expect(await lint.textContent()).toContain('loop ≤4');
    await page.waitForSelector('.react-flow__edge-text:has-text("size(state.to_review) > 0")');
    expect(await page.locator('.react-flow__node').count()).toBe(4);
  });

  it('starts code-review from its form and shows every node green, with its loop count', async () => {
    await page.click('[data-testid="start-run"]');
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');
    for (const node of ['load', 'lint', 'fix', 'report']) await status(page, node, 'SUCCEEDED');
    expect(await page.locator('[data-testid="node-lint"] .iterations').textContent()).toMatch(
      /×\d/,
    );
    // The log follows a running run's end, and opens a finished one at its start.
    await page.locator('[data-testid="event-log"]').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForSelector('[data-testid="event-row"][data-type="RUN_SUCCEEDED"]');
    await page.waitForSelector('[data-testid="gantt"] .gantt-bar.status-succeeded');
  });

  it('shows the patch a node made and the state after that event', async () => {
    // seq 4: load's NODE_SUCCEEDED (1 RUN_STARTED, 2 NODE_STARTED, 3 its LOG); the log follows
    // the end of the run, so scroll it to the top first.
    await page.locator('[data-testid="event-log"]').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.click('[data-testid="event-row"][data-seq="4"][data-type="NODE_SUCCEEDED"]');
    expect(await page.locator('[data-testid="event-patch"]').textContent()).toContain(
      '"to_review"',
    );
    const state = page.locator('[data-testid="state-at-event"]');
    await state.waitFor();
    expect(await state.textContent()).toContain('"to_review"');
    expect(await state.textContent()).not.toContain('"report_markdown"');
  });

  it('colours a node blue while it runs and green when it ends, live', async () => {
    const graphId = await saveGraph(t, GATED);
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await status(page, 'wait', 'RUNNING');
    await status(page, 'before', 'SUCCEEDED');
    await status(page, 'after', 'PENDING');
    gate.open();
    await status(page, 'wait', 'SUCCEEDED');
    await status(page, 'after', 'SUCCEEDED');
    await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');
    await page.waitForSelector('[data-testid="event-row"][data-type="RUN_SUCCEEDED"]');
  });

  it('cancels a running run from its page', async () => {
    const { graphs } = await t.gql<{
      graphs: { edges: Array<{ node: { id: string; name: string } }> };
    }>('{ graphs(first: 50) { edges { node { id name } } } }');
    const graphId = graphs.edges.find((e) => e.node.name === 'gated')!.node.id;
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await status(page, 'wait', 'RUNNING');
    await page.click('[data-testid="cancel-run"]');
    await page.waitForSelector('[data-testid="run-page"][data-status="CANCELLED"]');
  });

  it('opens a failed run from the runs list and reads its error code and message', async () => {
    const graphId = await saveGraph(t, {
      name: 'broken',
      entry: 'disk',
      nodes: [
        { id: 'disk', tool: 'fail', config: { message: 'the disk is full', retryable: false } },
      ],
      edges: [],
    });
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs?status=FAILED`);
    await page.click(`[data-run="${startRun.id}"] a >> nth=0`);
    const error = page.locator('[data-testid="run-page"] > [data-testid="run-error"]');
    await error.waitFor();
    expect(await error.locator('code').textContent()).toMatch(/^[A-Z_]+$/);
    expect(await error.textContent()).toContain('the disk is full');
    await status(page, 'disk', 'FAILED');
  });

  it('draws a bar per attempt on the timeline: a retried node has two', async () => {
    const graphId = await saveGraph(t, {
      name: 'flaky',
      entry: 'call',
      nodes: [
        {
          id: 'call',
          tool: 'fail',
          config: { failTimes: 1, values: { ok: true } },
          retry: { maxAttempts: 2, initialDelayMs: 1 },
        },
      ],
      edges: [],
    });
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await page.waitForSelector('[data-testid="run-page"][data-status="SUCCEEDED"]');
    const bars = page.locator('[data-testid="gantt-bar"]');
    await page.waitForSelector('[data-testid="gantt-bar"].status-succeeded');
    expect(await bars.count()).toBe(2);
    expect(await bars.first().getAttribute('class')).toContain('status-retrying');
    expect(await bars.allTextContents()).toEqual(['#1', '#2']);
  });

  it("streams a model's text into its node's panel", async () => {
    const graphId = await saveGraph(t, {
      name: 'chatty',
      entry: 'talk',
      nodes: [{ id: 'talk', tool: 'talker' }],
      edges: [],
    });
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await status(page, 'talk', 'RUNNING');
    await page.click('[data-testid="node-talk"]');
    await page.waitForSelector('[data-testid="node-tokens"]:text-is("Hello ")');
    gate.open();
    await page.waitForSelector('[data-testid="node-tokens"]:text-is("Hello world")');
    await status(page, 'talk', 'SUCCEEDED');
  });

  it('adds a run to the runs list as it starts (runUpdated)', async () => {
    await page.goto(`${t.base}/runs`);
    await page.waitForSelector('[data-testid="run-row"]');
    const { graphs } = await t.gql<{
      graphs: { edges: Array<{ node: { id: string; name: string } }> };
    }>('{ graphs(first: 50) { edges { node { id name } } } }');
    const graphId = graphs.edges.find((e) => e.node.name === 'gated')!.node.id;
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.waitForSelector(`[data-run="${startRun.id}"][data-status="RUNNING"]`);
    gate.open();
    await page.waitForSelector(`[data-run="${startRun.id}"][data-status="SUCCEEDED"]`);
  });

  it('shows validation issues at their line as you type, and saves a new version with a diff', async () => {
    await page.goto(`${t.base}/editor`);
    const bad = {
      name: 'typed',
      entry: 'a',
      nodes: [
        { id: 'a', tool: 'set_state', config: { values: { x: 1 } } },
        { id: 'b', tool: 'no_such_tool' },
      ],
      edges: [{ from: 'a', to: 'b' }],
    };
    await page.fill('[data-testid="graph-json"]', JSON.stringify(bad, null, 2));
    const issue = page.locator('[data-testid="issue"][data-path="nodes[1].tool"]');
    await issue.waitFor();
    expect(await issue.textContent()).toContain('UNKNOWN_TOOL');
    expect(await issue.textContent()).toMatch(/line 1[0-9]/);
    await page.waitForSelector('[data-testid="node-b"]');
    bad.nodes[1]!.tool = 'increment';
    await page.fill('[data-testid="graph-json"]', JSON.stringify(bad, null, 2));
    await page.waitForSelector('[data-testid="valid"]');
    await page.click('[data-testid="save-graph"]');
    await page.waitForURL(/\/graphs\/[^/]+$/);
    await page.click('text=Edit');
    const text = await page.locator('[data-testid="graph-json"]').inputValue();
    await page.fill('[data-testid="graph-json"]', text.replace('"x": 1', '"x": 2'));
    await page.waitForSelector('[data-testid="valid"]');
    await page.click('[data-testid="save-graph"]');
    await page.waitForSelector('h1:has-text("v2")');
    const diff = page.locator('[data-testid="version-diff"]');
    expect(await diff.locator('.diff-removed').textContent()).toContain('"x": 1');
    expect(await diff.locator('.diff-added').textContent()).toContain('"x": 2');
  });

  it('lists the tools with where they run and their config as a form', async () => {
    await page.goto(`${t.base}/tools`);
    const tool = page.locator('[data-testid="tool-increment"]');
    await tool.waitFor();
    expect(await tool.textContent()).toContain('in this server');
    await tool.locator('summary:has-text("Config")').click();
    expect(await tool.locator('.schema-form label').count()).toBeGreaterThan(0);
  });

  it('renders GraphiQL from local assets with the README tour as tabs, and runs one', async () => {
    // GraphiQL is ~9 MB of script: a loaded machine may take a while to parse it.
    page.setDefaultTimeout(60_000);
    await page.goto(`${t.base}/graphql`);
    await page.waitForSelector('.graphiql-tab-button');
    const tabs = await page.locator('.graphiql-tab-button').allTextContents();
    expect(tabs).toEqual(['Save', 'Start', 'Follow', 'Read', 'Graphs']);
    await page.click('.graphiql-tab-button:has-text("Graphs")');
    await page.waitForSelector('.graphiql-tab-active:has-text("Graphs")');
    await page.waitForSelector('.graphiql-query-editor:has-text("query Graphs")');
    // A click before the editor has settled can run nothing: click again until a result shows.
    for (let i = 0; ; i++) {
      await page.click('.graphiql-execute-button');
      try {
        await page.waitForSelector('.result-window:has-text("latestVersion")', { timeout: 15_000 });
        break;
      } catch (err) {
        if (i >= 3) throw err;
      }
    }
    expect(await page.locator('.result-window').textContent()).toContain('code-review');
    page.setDefaultTimeout(15_000);
  }, 180_000);
});
