import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildDashboardIfStale, describeBrowser, launchBrowser, openPage } from './browser.js';
import { type DashboardApp, START, saveGraph, startDashboardApp } from './dashboard-app.js';

/**
 * The run page's buttons in Debian's Chromium against a real server: answer an interrupt with
 * the form of its JSON Schema (problems inline), fork a finished run from a node with an edited
 * state, retry a failed run on the fixed latest version; the parent and fork links.
 */
const APPROVAL = {
  name: 'approval',
  entry: 'ask',
  nodes: [
    {
      id: 'ask',
      tool: 'human_input',
      config: {
        output: 'approval',
        prompt: 'Ship it?',
        schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
    },
    { id: 'done', tool: 'set_state', config: { values: { shipped: true } } },
  ],
  edges: [{ from: 'ask', to: 'done' }],
};

const COUNTER = {
  name: 'counter',
  entry: 'seed',
  nodes: [
    { id: 'seed', tool: 'set_state', config: { values: { n: 1 } } },
    { id: 'bump', tool: 'increment', config: { key: 'n', by: 1 } },
  ],
  edges: [{ from: 'seed', to: 'bump' }],
};

const broken = (fixed: boolean) => ({
  name: 'fixable',
  entry: 'first',
  nodes: [
    { id: 'first', tool: 'set_state', config: { values: { first: true } } },
    fixed
      ? { id: 'second', tool: 'set_state', config: { values: { fixed: true } } }
      : { id: 'second', tool: 'fail', config: { message: 'not yet', retryable: false } },
  ],
  edges: [{ from: 'first', to: 'second' }],
});

/** before -> wait (a delay) -> after: a pause while `wait` runs holds `after`. */
const SLOW = {
  name: 'slow-step',
  entry: 'before',
  nodes: [
    { id: 'before', tool: 'set_state', config: { values: { step: 1 } } },
    { id: 'wait', tool: 'delay', config: { ms: 1_500, values: { step: 2 } } },
    { id: 'after', tool: 'set_state', config: { values: { step: 3 } } },
  ],
  edges: [
    { from: 'before', to: 'wait' },
    { from: 'wait', to: 'after' },
  ],
};

const UPDATE = `mutation ($id: ID!, $input: GraphInput!) { updateGraph(id: $id, input: $input) { id latestVersion } }`;

const runPage = (page: Page, status: string) =>
  page.waitForSelector(`[data-testid="run-page"][data-status="${status}"]`);
/** The run state the page shows, once it has `text` in it (the status may come before it). */
async function stateShown(page: Page, text: string): Promise<unknown> {
  const state = page.locator(`[data-testid="run-state"]:has-text('${text}')`);
  await state.waitFor();
  return JSON.parse((await state.textContent())!);
}
const runIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;

describeBrowser('dashboard run actions in Chromium', () => {
  let t: DashboardApp;
  let browser: Browser;
  let page: Page & { problems: string[] };

  beforeAll(async () => {
    await buildDashboardIfStale();
    [t, browser] = await Promise.all([startDashboardApp(), launchBrowser()]);
    page = await openPage(browser);
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  // No uncaught error, CSP violation or request off this machine on any page.
  afterEach(() => expect(page.problems.splice(0)).toEqual([]));

  it('answers an interrupt through the form of its schema, problems shown inline, and the run succeeds', async () => {
    const graphId = await saveGraph(t, APPROVAL);
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    const form = page.locator('[data-testid="interrupt"][data-node="ask"]');
    await form.waitFor();
    expect(await form.locator('[data-testid="interrupt-prompt"]').textContent()).toContain(
      'Ship it?',
    );
    await page.waitForSelector('[data-testid="node-ask"][data-status="WAITING"]');
    await runPage(page, 'WAITING');
    // Nothing ticked: `ok` is missing, the API says so and the run keeps waiting.
    await form.locator('[data-testid="answer-interrupt"]').click();
    const problem = form.locator('[data-testid="interrupt-problem"]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('BAD_USER_INPUT');
    expect(await problem.locator('[data-testid="problem"]').allTextContents()).toEqual([
      expect.stringContaining('ok'),
    ]);
    await form.locator('[data-testid="interrupt-form"] input[type="checkbox"]').check();
    await form.locator('[data-testid="answer-interrupt"]').click();
    await runPage(page, 'SUCCEEDED');
    await page.waitForSelector('[data-testid="node-done"][data-status="SUCCEEDED"]');
    expect(await page.locator('[data-testid="interrupts"]').count()).toBe(0);
    expect(await stateShown(page, '"shipped"')).toMatchObject({
      approval: { ok: true },
      shipped: true,
    });
  });

  it('forks a finished run from a node with an edited state and opens the fork', async () => {
    const graphId = await saveGraph(t, COUNTER);
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await runPage(page, 'SUCCEEDED');
    expect(await stateShown(page, '"n": 2')).toEqual({ n: 2 });
    await page.click(
      '[data-testid="event-row"][data-type="NODE_STARTED"]:has(.enode:text-is("bump"))',
    );
    // The state when bump starts, read from Run.stateAt.
    const at = page.locator('[data-testid="state-at-event"]');
    await at.waitFor();
    expect(JSON.parse((await at.textContent())!)).toMatchObject({ n: 1 });
    await page.click('[data-testid="fork-from-here"]');
    const text = await page.locator('[data-testid="fork-state"]').inputValue();
    await page.fill('[data-testid="fork-state"]', text.replace('"n": 1', '"n": 10'));
    await page.waitForSelector('[data-testid="fork-patch"]:has-text("10")');
    expect(JSON.parse((await page.locator('[data-testid="fork-patch"]').textContent())!)).toEqual({
      n: 10,
    });
    await page.click('[data-testid="fork-submit"]');
    await page.waitForURL((url) => !url.pathname.endsWith(startRun.id));
    await runPage(page, 'SUCCEEDED');
    expect(await stateShown(page, '"n": 11')).toEqual({ n: 11 });
    const parent = page.locator('[data-testid="run-parent"]');
    expect(await parent.getAttribute('data-origin')).toBe('FORK');
    const forkId = runIdOf(page);
    // The parent lists its fork.
    await parent.locator('a').click();
    await page.waitForSelector(
      `[data-testid="run-fork"][data-run="${forkId}"][data-origin="FORK"]`,
    );
    await runPage(page, 'SUCCEEDED');
  });

  it('pauses a running run from its page (the running node finishes, the next waits), lists it as paused, and unpauses it to success', async () => {
    const graphId = await saveGraph(t, SLOW);
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await page.waitForSelector('[data-testid="node-wait"][data-status="RUNNING"]');
    await page.click('[data-testid="pause-run"]');
    await runPage(page, 'PAUSED');
    await page.waitForSelector('[data-testid="event-row"][data-type="RUN_PAUSED"]');
    await page.waitForSelector('[data-testid="node-wait"][data-status="SUCCEEDED"]');
    expect(await page.locator('[data-testid="node-after"]').getAttribute('data-status')).toBe(
      'PENDING',
    );
    expect(await page.locator('.page-head .badge').textContent()).toBe('paused');
    expect(await page.locator('[data-testid="pause-run"]').count()).toBe(0);
    // The runs list filters by PAUSED and shows its badge.
    await page.goto(`${t.base}/runs?status=PAUSED`);
    const row = page.locator(`[data-testid="run-row"][data-run="${startRun.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('PAUSED');
    expect(await row.locator('.badge').textContent()).toBe('paused');
    await row.locator('a >> nth=0').click();
    await runPage(page, 'PAUSED');
    await page.click('[data-testid="unpause-run"]');
    await runPage(page, 'SUCCEEDED');
    expect(await stateShown(page, '"step": 3')).toMatchObject({ step: 3 });
  });

  it('retries a failed run on the fixed latest version and it succeeds', async () => {
    const graphId = await saveGraph(t, broken(false));
    const { startRun } = await t.gql<{ startRun: { id: string } }>(START, { graphId });
    await page.goto(`${t.base}/runs/${startRun.id}`);
    await runPage(page, 'FAILED');
    await t.gql(UPDATE, { id: graphId, input: broken(true) });
    await page.reload();
    await runPage(page, 'FAILED');
    await page.check('[data-testid="retry-latest"]');
    await page.click('[data-testid="retry-run"]');
    await page.waitForURL((url) => !url.pathname.endsWith(startRun.id));
    await runPage(page, 'SUCCEEDED');
    expect(await stateShown(page, '"fixed"')).toMatchObject({ first: true, fixed: true });
    expect(await page.locator('.page-head + .muted').textContent()).toContain('v2');
    const parent = page.locator('[data-testid="run-parent"]');
    expect(await parent.getAttribute('data-origin')).toBe('RETRY');
    expect(await parent.locator('a').getAttribute('href')).toBe(`/runs/${startRun.id}`);
    expect(await page.locator('[data-testid="retry-run"]').count()).toBe(0);
  });

  it('evaluates a graph from its page, twice, and shows how the mean score moved', async () => {
    const target = { ...COUNTER, name: 'evaluated' };
    const graphId = await saveGraph(t, target);
    await saveGraph(t, {
      name: 'always-half',
      entry: 'score',
      nodes: [
        { id: 'score', tool: 'set_state', config: { values: { score: 0.5, reason: 'half' } } },
      ],
      edges: [],
    });
    await t.gql(`mutation($input: EvalSetInput!) { createEvalSet(input: $input) { id } }`, {
      input: {
        name: 'smoke',
        graphId,
        scorerGraph: 'always-half',
        cases: [{ input: {} }, { input: {} }],
      },
    });
    await page.goto(`${t.base}/graphs/${graphId}`);
    const evals = page.locator('[data-testid="eval-smoke"]');
    await evals.locator('button:has-text("Evaluate v1")').click();
    await evals.locator('[data-testid="eval-run"][data-status="SUCCEEDED"]').waitFor();
    expect(await evals.locator('[data-testid="eval-run"]').first().textContent()).toBe(
      'v1SUCCEEDED0.50',
    );
    await evals.locator('button:has-text("Evaluate v1")').click();
    await page.waitForSelector('[data-testid="eval-compare"]');
    expect(await page.locator('[data-testid="eval-compare"]').textContent()).toBe(
      'v1: 0.50 against v1: 0.50 (+0.00)',
    );
  });
});
