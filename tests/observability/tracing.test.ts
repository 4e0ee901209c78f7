import { Writable } from 'node:stream';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createJsonLogger } from '../../src/observability/json-logger.js';
import { createGraph, uniqueName, waitForRun } from '../api/operations.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { sqliteTestDatabase } from '../helpers/databases.js';

/** start -> (slow, flaky: fails once, retried) -> join. */
const fanOutRetry = (): GraphDef => ({
  name: uniqueName('traced'),
  nodes: [
    { id: 'start', tool: 'set_state', config: { values: { s: 1 } } },
    { id: 'slow', tool: 'delay', config: { ms: 20, values: { slow: true } } },
    {
      id: 'flaky',
      tool: 'fail',
      config: { failTimes: 1, values: { flaky: true } },
      retry: { maxAttempts: 2, initialDelayMs: 5, backoff: 1 },
    },
    { id: 'join', tool: 'set_state', config: { values: { joined: true } } },
  ],
  edges: [
    { from: 'start', to: 'slow' },
    { from: 'start', to: 'flaky' },
    { from: 'slow', to: 'join' },
    { from: 'flaky', to: 'join' },
  ],
  entry: 'start',
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('run traces (OpenTelemetry, in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    instrumentations: [],
    autoDetectResources: false,
  });
  let t: TestApp;
  beforeAll(async () => {
    sdk.start();
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' }, app: { tracing: true } });
    await t.listen();
  });
  afterAll(async () => {
    await t?.close();
    await sdk.shutdown();
  });

  it('continues the traceparent of startRun: a run span, a span per node attempt, ids on events', async () => {
    const graph = await createGraph(t, fanOutRetry());
    // Over the socket: the traceparent header is read where the HTTP request arrives.
    const res = await fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      },
      body: JSON.stringify({
        query: 'mutation($g: ID!) { startRun(graphId: $g) { id } }',
        variables: { g: graph.id },
      }),
    });
    const { data } = (await res.json()) as { data: { startRun: { id: string } } };
    const runId = data.startRun.id;
    expect((await waitForRun(t, runId)).status).toBe('SUCCEEDED');

    const spans = await waitUntil(async () => {
      const all = exporter.getFinishedSpans().filter((s) => s.attributes['aef.run.id'] === runId);
      return all.some((s) => s.name.startsWith('run ')) ? all : undefined;
    });
    const run = spans.find((s) => s.name === `run ${graph.id}`) as ReadableSpan;
    expect(run.spanContext().traceId).toBe(TRACE_ID);
    expect(run.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(run.status.code).toBe(SpanStatusCode.OK);
    const nodes = spans.filter((s) => s.name.startsWith('node '));
    const summary = nodes
      .map((s) => `${s.name}#${s.attributes['aef.node.attempt']}:${SpanStatusCode[s.status.code]}`)
      .sort();
    expect(summary).toEqual([
      'node flaky#1:ERROR',
      'node flaky#2:OK',
      'node join#1:OK',
      'node slow#1:OK',
      'node start#1:OK',
    ]);
    for (const n of nodes) {
      expect(n.spanContext().traceId).toBe(TRACE_ID);
      expect(n.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    }
    const failed = nodes.find(
      (s) => s.attributes['aef.node.attempt'] === 1 && s.name === 'node flaky',
    );
    expect(failed?.attributes['aef.error.code']).toBe('TOOL_FAILED');
    // The retry waits between the attempts: the second starts after the first ended.
    const second = nodes.find((s) => s.attributes['aef.node.attempt'] === 2) as ReadableSpan;
    const toMs = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
    expect(toMs(second.startTime)).toBeGreaterThanOrEqual(toMs(failed?.endTime ?? [0, 0]));

    // Every stored event names its span: node events their attempt's, run events the run's.
    const events = await t.ok<{
      run: { events: { edges: Array<{ node: Record<string, string | number | null> }> } };
    }>(
      `query($id: ID!) { run(id: $id) { events(first: 100) { edges { node {
        type nodeId attempt traceId spanId } } } } }`,
      { id: runId },
    );
    for (const { node: e } of events.run.events.edges) {
      expect(e.traceId, String(e.type)).toBe(TRACE_ID);
      const own = e.nodeId
        ? nodes.find(
            (s) =>
              s.attributes['aef.node.id'] === e.nodeId &&
              s.attributes['aef.node.attempt'] === e.attempt,
          )
        : run;
      expect(e.spanId, `${e.type} ${e.nodeId}`).toBe(own?.spanContext().spanId);
    }
  });

  it('continues the trace in the worker process that executes a run an api process stored', async () => {
    const db = sqliteTestDatabase();
    const api = await createTestApp({
      db,
      env: { SEED_EXAMPLES: 'false', ROLE: 'api' },
      app: { tracing: true },
    });
    const worker = await createTestApp({
      db,
      env: { SEED_EXAMPLES: 'false', ROLE: 'worker', QUEUE_POLL_MS: '20' },
      app: { tracing: true },
    });
    try {
      await api.listen();
      await worker.listen();
      const graph = await createGraph(api, fanOutRetry());
      const res = await fetch(api.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
        },
        body: JSON.stringify({
          query: 'mutation($g: ID!) { startRun(graphId: $g) { id } }',
          variables: { g: graph.id },
        }),
      });
      const runId = ((await res.json()) as { data: { startRun: { id: string } } }).data.startRun.id;
      expect((await waitForRun(api, runId)).status).toBe('SUCCEEDED');
      // Executed by the worker: the api process started nothing.
      expect((await api.app.metrics.runsStarted.get()).values).toEqual([]);
      const run = await waitUntil(async () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.attributes['aef.run.id'] === runId && s.name.startsWith('run ')),
      );
      expect(run.spanContext().traceId).toBe(TRACE_ID);
      expect(run.parentSpanContext?.spanId).toBe(PARENT_ID);
      expect(run.name).toBe(`run ${graph.id}`);
    } finally {
      await worker.close();
      await api.close();
      await db.drop();
    }
  });

  it('puts the active span’s trace and span ids on log lines', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk).trim());
        done();
      },
    });
    const log = createJsonLogger('info', undefined, stream);
    const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1 });
    context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
    log.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ msg: 'inside', traceId: TRACE_ID, spanId: PARENT_ID });
    expect(outside).not.toHaveProperty('traceId');
  });
});
