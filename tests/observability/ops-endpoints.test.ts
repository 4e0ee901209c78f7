import { createClient } from 'graphql-ws';
import { beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GraphDef } from '../../src/engine/graph.js';
import {
  createGraph,
  describeBackends,
  runToEnd,
  startRun,
  uniqueName,
} from '../api/operations.js';
import { waitUntil } from '../helpers/app.js';

/** set -> fail once, retried -> set. */
const retried = (): GraphDef => ({
  name: uniqueName('metrics'),
  nodes: [
    { id: 'a', tool: 'set_state', config: { values: { a: 1 } } },
    {
      id: 'flaky',
      tool: 'fail',
      config: { failTimes: 1, values: { ok: true } },
      retry: { maxAttempts: 2, initialDelayMs: 1, backoff: 1 },
    },
  ],
  edges: [{ from: 'a', to: 'flaky' }],
  entry: 'a',
});

/** The value of one sample line of the Prometheus text, by metric name and labels. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    const has = Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`));
    if (has) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

await describeBackends('operations endpoints', (api, backend) => {
  let base = '';
  beforeAll(async () => {
    await api().listen();
    base = api().url.replace(/\/graphql$/, '');
  });
  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  it('answers /health without touching the database and /ready once migrated', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('counts runs, node attempts and group commits by graph and status', async () => {
    const graph = await createGraph(api(), retried());
    const run = await runToEnd(api(), graph.id);
    expect(run.status).toBe('SUCCEEDED');
    // Counted once stored: the scrape after the run's end sees it.
    const text = await waitUntil(async () => {
      const t = await scrape();
      return sample(t, 'aef_runs_finished_total', { graph: graph.id }) === 1 ? t : undefined;
    });
    expect(sample(text, 'aef_runs_started_total', { graph: graph.id })).toBe(1);
    expect(sample(text, 'aef_runs_finished_total', { graph: graph.id, status: 'SUCCEEDED' })).toBe(
      1,
    );
    expect(sample(text, 'aef_run_duration_seconds_count', { graph: graph.id })).toBe(1);
    const node = { graph: graph.id, node: 'flaky' };
    expect(sample(text, 'aef_node_duration_seconds_count', { ...node, outcome: 'succeeded' })).toBe(
      1,
    );
    expect(sample(text, 'aef_event_writer_flush_events_count')).toBeGreaterThan(0);
    expect(sample(text, 'aef_event_writer_flush_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'aef_runs', { status: 'RUNNING' })).toBe(0);
    expect(sample(text, 'aef_runs', { status: 'QUEUED' })).toBe(0);
    expect(sample(text, 'aef_process_runs', { state: 'executing' })).toBe(0);
    expect(sample(text, 'aef_workers_connected')).toBe(0);
    expect(sample(text, 'aef_database_errors_total')).toBeUndefined();
    expect(text).toContain('aef_process_resident_memory_bytes');
  });

  it('shows open WebSocket connections and subscriptions, and their end', async () => {
    const graph = await createGraph(api(), retried());
    const run = await runToEnd(api(), graph.id);
    const client = createClient({ url: api().wsUrl, webSocketImpl: WebSocket, lazy: false });
    try {
      const events: unknown[] = [];
      // A subscription to a run that has ended replays its events and completes.
      await new Promise<void>((resolve, reject) =>
        client.subscribe(
          {
            query: `subscription($id: ID!) { runEvents(runId: $id) { seq } }`,
            variables: { id: run.id },
          },
          { next: (e) => events.push(e), error: reject, complete: resolve },
        ),
      );
      expect(events.length).toBeGreaterThan(0);
      const text = await waitUntil(async () => {
        const t = await scrape();
        return sample(t, 'aef_websocket_connections') === 1 &&
          sample(t, 'aef_subscriptions_open') === 0
          ? t
          : undefined;
      });
      expect(sample(text, 'aef_websocket_connections')).toBe(1);
    } finally {
      await client.dispose();
    }
    await waitUntil(async () =>
      sample(await scrape(), 'aef_websocket_connections') === 0 ? true : undefined,
    );
  });

  it('counts a subscription while it is open', async () => {
    const graph = await createGraph(api(), {
      name: uniqueName('slow'),
      nodes: [{ id: 'wait', tool: 'delay', config: { ms: 60_000 } }],
      edges: [],
      entry: 'wait',
    });
    const run = await startRun(api(), graph.id);
    const client = createClient({ url: api().wsUrl, webSocketImpl: WebSocket });
    const stop = client.subscribe(
      {
        query: `subscription($id: ID!) { runEvents(runId: $id) { seq } }`,
        variables: { id: run.id },
      },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    try {
      await waitUntil(async () =>
        sample(await scrape(), 'aef_subscriptions_open') === 1 ? true : undefined,
      );
      const text = await scrape();
      expect(sample(text, 'aef_runs', { status: 'RUNNING' })).toBe(1);
      expect(sample(text, 'aef_process_runs', { state: 'executing' })).toBe(1);
    } finally {
      stop();
      await api().ok(`mutation($id: ID!) { cancelRun(id: $id) { status } }`, { id: run.id });
      await client.dispose();
    }
    await waitUntil(async () =>
      sample(await scrape(), 'aef_subscriptions_open') === 0 ? true : undefined,
    );
  });

  it('answers /ready 503 with the reason when a migration is missing', async () => {
    const name = '20261201150000_operations';
    const rows = await api().app.db.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT * FROM "_prisma_migrations" WHERE migration_name = '${name}'`,
    );
    expect(rows).toHaveLength(1);
    await api().app.db.prisma.$executeRawUnsafe(
      `UPDATE "_prisma_migrations" SET rolled_back_at = finished_at WHERE migration_name = '${name}'`,
    );
    try {
      const res = await fetch(`${base}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        reason: `migrations not applied: ${name}`,
      });
    } finally {
      await api().app.db.prisma.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = '${name}'`,
      );
    }
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(backend).toBeTruthy();
  });
});
