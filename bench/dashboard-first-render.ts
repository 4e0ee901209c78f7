/**
 * The first screen of a 10,000-event run, measured in Chromium (npm run bench:dashboard): a run
 * of a two-node loop (2,000 passes: 10,000 events, 4,000 node executions) on a fresh SQLite
 * server, then its page opened N times; prints the time from navigation start until the drawing,
 * the event log's first rows and the timeline are on screen. A reading, not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { buildDashboardIfStale, launchBrowser } from '../tests/dashboard/browser.js';

const PASSES = Number(process.env.PASSES ?? 2000);
const TIMES = Number(process.env.TIMES ?? 5);

await buildDashboardIfStale();
const dir = mkdtempSync(join(tmpdir(), 'aef-bench-dash-'));
const app = await buildApp(
  loadConfig({
    DATABASE_URL: `file:${join(dir, 'b.db')}`,
    LOG_LEVEL: 'silent',
    SEED_EXAMPLES: 'false',
  }),
  { logger: silentLogger },
);
const { port } = await app.start(0);
const base = `http://127.0.0.1:${port}`;
const gql = async <T>(query: string, variables: Record<string, unknown>) => {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};
const graph = await app.graphs.create({
  name: 'ten-thousand',
  entry: 'tick',
  nodes: [
    { id: 'tick', tool: 'increment', config: { key: 'n' }, maxIterations: PASSES + 1 },
    { id: 'say', tool: 'log', config: { message: 'pass {{n}}' } },
  ],
  edges: [
    { from: 'tick', to: 'say' },
    { from: 'say', to: 'tick', when: `state.n < ${PASSES}` },
  ],
});
const { startRun } = await gql<{ startRun: { id: string } }>(
  'mutation ($g: ID!) { startRun(graphId: $g, input: { n: 0 }) { id } }',
  { g: graph.id },
);
let run: { status: string; lastSeq: number } = { status: 'QUEUED', lastSeq: 0 };
while (run.status === 'QUEUED' || run.status === 'RUNNING') {
  await new Promise((r) => setTimeout(r, 200));
  run = (
    await gql<{ run: typeof run }>('query ($id: ID!) { run(id: $id) { status lastSeq } }', {
      id: startRun.id,
    })
  ).run;
}
console.log(`run ${startRun.id}: ${run.status}, ${run.lastSeq} events`);

const browser = await launchBrowser();
const readings: number[] = [];
for (let i = 0; i < TIMES; i++) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}/runs/${startRun.id}`, { waitUntil: 'commit' });
  const ms = await page.waitForFunction(
    () => {
      const drawn = document.querySelectorAll('.react-flow__node[style*="visible"]').length === 2;
      const rows = document.querySelector('[data-testid="event-row"]');
      const gantt = document.querySelector('[data-testid="gantt"] .gantt-bar');
      return drawn && rows && gantt ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  readings.push(Math.round(Number(await ms.jsonValue())));
  if (process.env.DETAIL)
    console.log(
      await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => {
            const r = e as PerformanceResourceTiming;
            return `${r.name.replace(location.origin, '')} ${Math.round(r.startTime)}-${Math.round(r.responseEnd)} ms ${r.transferSize} B`;
          })
          .join('\n'),
      ),
    );
  await context.close();
}
readings.sort((a, b) => a - b);
console.log(
  `first screen of a ${run.lastSeq}-event run: median ${readings[Math.floor(readings.length / 2)]} ms (${readings.join(', ')} ms; Chromium ${browser.version()}, Node ${process.versions.node})`,
);

// The runs list with RUNS runs (default 1,000): the first screen, then scrolled to the end
// (every page read through its cursor, each row drawn only in view).
const RUNS = Number(process.env.RUNS ?? 1000);
const tiny = await app.graphs.create({
  name: 'tiny',
  entry: 'a',
  nodes: [{ id: 'a', tool: 'set_state', config: { values: { ok: true } } }],
  edges: [],
});
for (let i = 1; i < RUNS; i += 50)
  await Promise.all(
    Array.from({ length: Math.min(50, RUNS - i) }, () =>
      gql('mutation ($g: ID!) { startRun(graphId: $g, input: {}) { id } }', { g: tiny.id }),
    ),
  );
const page = await (
  await browser.newContext({ viewport: { width: 1400, height: 1000 } })
).newPage();
await page.goto(`${base}/runs`, { waitUntil: 'commit' });
const first = await page.waitForFunction(
  () => (document.querySelector('[data-testid="run-row"]') ? performance.now() : false),
  undefined,
  { polling: 'raf', timeout: 30_000 },
);
const t0 = Date.now();
const list = page.locator('[data-testid="runs-list"]');
for (let rows = 0; ; ) {
  await list.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await page.waitForTimeout(100);
  const now = await list.evaluate((el) => el.scrollHeight / 36);
  if (now === rows) break;
  rows = now;
}
const rows = await list.evaluate((el) => Math.round(el.scrollHeight / 36));
const inDom = await page.locator('[data-testid="run-row"]').count();
console.log(
  `runs list: first rows after ${Math.round(Number(await first.jsonValue()))} ms; ${rows} runs listed after scrolling to the end (${Date.now() - t0} ms), ${inDom} rows in the DOM`,
);
await browser.close();
await app.stop();
rmSync(dir, { recursive: true, force: true });
