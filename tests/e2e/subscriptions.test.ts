/**
 * runEvents / runUpdated over real sockets: graphql-ws (the `ws` package as the client's
 * WebSocket) and SSE, against an app listening on port 0. Whenever a client subscribes (before,
 * during or after a run, or again after a disconnect), it must get every stored event exactly
 * once, in seq order, and the subscription must complete after the terminal event.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { type Backend, backends } from '../helpers/databases.js';
import { countPerNode, expectContiguous, timeline } from './helpers/events.js';
import {
  cancelRunIfActive,
  createGraph,
  type EventView,
  getRun,
  gqlOk,
  poll,
  startRun,
  storedEvents,
  TERMINAL_EVENTS,
  waitForFinished,
  within,
} from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { sseSubscribe } from './helpers/sse.js';
import {
  type Collected,
  collect,
  collectRunEvents,
  errorCodes,
  errorMessages,
  eventsOf,
  RUN_EVENTS_SUBSCRIPTION,
  wsClient,
} from './helpers/ws.js';

const TIMEOUT = 120_000;

/** First node waits 300 ms (a subscriber can attach before anything runs), then 60 ms each. */
const chain = delayChain({
  name: 'e2e-subscriptions',
  delays: 10,
  ms: (i) => (i === 1 ? 300 : 60),
  incrementEvery: 5,
});
/** RUN_STARTED, NODE_STARTED + NODE_SUCCEEDED per node, RUN_SUCCEEDED. */
const CHAIN_EVENTS = 2 + 2 * chain.nodeIds.length;

/** Collects a runEvents subscription to its end and checks it is the stored log, exactly. */
async function expectFullLog(
  url: string,
  runId: string,
  sub: Collected<{ runEvents: EventView }>,
): Promise<EventView[]> {
  const outcome = await sub.done;
  expect(outcome).toEqual({ kind: 'complete' });
  const received = eventsOf(sub);
  const stored = await storedEvents(url, runId);
  expect(stored).toHaveLength(CHAIN_EVENTS);
  expectContiguous(received);
  expect(timeline(received)).toEqual(timeline(stored));
  expect(received.at(-1)?.type).toBe('RUN_SUCCEEDED');
  return received;
}

function suite(backend: Backend) {
  describe(`subscriptions over real sockets (${backend})`, () => {
    let t: TestApp;
    let client: Client;
    let graphId: string;
    const clients: Client[] = [];

    /** A graphql-ws client disposed in afterAll whatever happens. */
    const newClient = (options?: Parameters<typeof wsClient>[1]) => {
      const c = wsClient(t.wsUrl, options);
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      t = await createTestApp({ backend });
      await t.listen();
      client = newClient();
      graphId = await createGraph(t.url, chain.input);
    }, TIMEOUT);

    afterAll(async () => {
      for (const c of clients) await c.dispose();
      await t?.close();
    }, TIMEOUT);

    it(
      'delivers every event once, in order, to a client that subscribes before the run executes',
      async () => {
        const run = await startRun(t.url, graphId);
        const sub = collectRunEvents(client, run.id);
        await expectFullLog(t.url, run.id, sub);
        const final = await getRun(t.url, run.id);
        expect(final.status).toBe('SUCCEEDED');
        expect(final.state?.visited).toEqual(chain.visited);
      },
      TIMEOUT,
    );

    it(
      'replays the stored prefix and then streams the rest to a client that joins mid-run',
      async () => {
        const run = await startRun(t.url, graphId);
        const before = await poll('some events stored', async () => {
          const r = await getRun(t.url, run.id);
          return r.lastSeq >= 6 ? r : undefined;
        });
        expect(before.status).toBe('RUNNING');
        const sub = collectRunEvents(client, run.id);
        const received = await expectFullLog(t.url, run.id, sub);
        // It really joined in the middle: part of the log was stored before it subscribed.
        expect(before.lastSeq).toBeLessThan(received.length);
      },
      TIMEOUT,
    );

    it(
      'replays the whole log of a finished run and then completes',
      async () => {
        const run = await startRun(t.url, graphId);
        await waitForFinished(t.url, run.id);
        await expectFullLog(t.url, run.id, collectRunEvents(client, run.id));

        // afterSeq on a finished run: only the tail, then complete.
        const tail = collectRunEvents(client, run.id, CHAIN_EVENTS - 3);
        expect(await tail.done).toEqual({ kind: 'complete' });
        expect(eventsOf(tail).map((e) => e.seq)).toEqual([
          CHAIN_EVENTS - 2,
          CHAIN_EVENTS - 1,
          CHAIN_EVENTS,
        ]);
      },
      TIMEOUT,
    );

    /* A client whose socket dropped after the terminal event resubscribes with its last seq. */
    it(
      'completes at once for a finished run when afterSeq is already at its terminal event',
      async () => {
        const run = await waitForFinished(t.url, (await startRun(t.url, graphId)).id);
        expect(run.lastSeq).toBe(CHAIN_EVENTS);
        const sub = collectRunEvents(client, run.id, run.lastSeq);
        try {
          expect(await within('subscription to complete', 10_000, sub.done)).toEqual({
            kind: 'complete',
          });
          expect(sub.results).toEqual([]);
        } finally {
          sub.unsubscribe();
        }
      },
      TIMEOUT,
    );

    it(
      'completes after RUN_FAILED and after RUN_CANCELLED as well',
      async () => {
        const failing = await createGraph(t.url, {
          name: 'e2e-failing',
          entry: 'boom',
          nodes: [{ id: 'boom', tool: 'fail', config: { retryable: false, message: 'no' } }],
          edges: [],
        });
        const failed = await startRun(t.url, failing);
        const failedSub = collectRunEvents(client, failed.id);
        expect(await failedSub.done).toEqual({ kind: 'complete' });
        const failedEvents = eventsOf(failedSub);
        expectContiguous(failedEvents);
        expect(failedEvents.at(-1)?.type).toBe('RUN_FAILED');
        expect(timeline(failedEvents)).toEqual(timeline(await storedEvents(t.url, failed.id)));
        expect((await getRun(t.url, failed.id)).status).toBe('FAILED');

        const cancelled = await startRun(t.url, graphId);
        const cancelledSub = collectRunEvents(client, cancelled.id);
        await cancelledSub.until('the run to start', (r) => r.length >= 2);
        expect((await cancelRunIfActive(t.url, cancelled.id)).status).toBe('CANCELLED');
        expect(await cancelledSub.done).toEqual({ kind: 'complete' });
        const cancelledEvents = eventsOf(cancelledSub);
        expectContiguous(cancelledEvents);
        expect(cancelledEvents.at(-1)?.type).toBe('RUN_CANCELLED');
        expect(timeline(cancelledEvents)).toEqual(
          timeline(await storedEvents(t.url, cancelled.id)),
        );
      },
      TIMEOUT,
    );

    it(
      'gives exactly the rest to a client that reconnects with afterSeq = the last seq it saw',
      async () => {
        const run = await startRun(t.url, graphId);
        const first = newClient();
        const part1Sub = collectRunEvents(first, run.id);
        await part1Sub.until('8 events', (r) => r.length >= 8);
        part1Sub.unsubscribe();
        await first.dispose();
        const part1 = eventsOf(part1Sub);
        const last = part1.at(-1)?.seq ?? 0;
        expect(last).toBeGreaterThanOrEqual(8);
        expect(part1.some((e) => TERMINAL_EVENTS.has(e.type))).toBe(false);

        const second = newClient();
        const part2Sub = collectRunEvents(second, run.id, last);
        expect(await part2Sub.done).toEqual({ kind: 'complete' });
        const part2 = eventsOf(part2Sub);
        expect(part2[0]?.seq).toBe(last + 1);
        const all = [...part1, ...part2];
        expectContiguous(all);
        expect(timeline(all)).toEqual(timeline(await storedEvents(t.url, run.id)));
      },
      TIMEOUT,
    );

    it(
      'gives the same log to many clients subscribing at staggered moments',
      async () => {
        const run = await startRun(t.url, graphId);
        const subs: Array<Collected<{ runEvents: EventView }>> = [];
        for (let i = 0; i < 8; i++) {
          // Separate sockets, so replay and live delivery race independently for each.
          subs.push(collectRunEvents(newClient(), run.id));
          await new Promise((r) => setTimeout(r, 120));
        }
        const stored = timeline(
          await storedEvents(t.url, (await waitForFinished(t.url, run.id)).id),
        );
        for (const sub of subs) {
          expect(await sub.done).toEqual({ kind: 'complete' });
          expect(timeline(eventsOf(sub))).toEqual(stored);
        }
      },
      TIMEOUT,
    );

    it(
      'reports QUEUED, RUNNING then SUCCEEDED for a run that ends within one group commit',
      async () => {
        const graphId = await createGraph(t.url, {
          name: 'e2e-updates-instant',
          nodes: [{ id: 'only', tool: 'set_state', config: { values: { done: true } } }],
          edges: [],
          entry: 'only',
        });
        const query = `subscription ($graphId: ID) { runUpdated(graphId: $graphId) { id status } }`;
        type Update = { runUpdated: { id: string; status: string } };
        const sub = collect<Update>(client, query, { graphId });
        const seen = (id: string) =>
          sub.results
            .filter((r) => r.data?.runUpdated.id === id)
            .map((r) => r.data?.runUpdated.status);
        // The first runs may start before the subscription is registered: wait for one it saw.
        const runId = await poll('a run seen from start to end', async () => {
          const run = await startRun(t.url, graphId);
          await waitForFinished(t.url, run.id);
          await new Promise((r) => setTimeout(r, 100));
          const statuses = seen(run.id);
          return statuses.includes('QUEUED') && statuses.includes('SUCCEEDED') ? run.id : undefined;
        });
        expect(seen(runId)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
        sub.unsubscribe();
      },
      TIMEOUT,
    );

    it(
      'streams runUpdated status changes for runs of the given graph only',
      async () => {
        const short = delayChain({
          name: 'e2e-updates-a',
          delays: 3,
          ms: () => 100,
          incrementEvery: 0,
        });
        const graphA = await createGraph(t.url, short.input);
        const graphB = await createGraph(t.url, { ...short.input, name: 'e2e-updates-b' });
        const query = `subscription ($graphId: ID) { runUpdated(graphId: $graphId) { id status graph { id } } }`;
        type Update = { runUpdated: { id: string; status: string; graph: { id: string } } };
        const updates = (s: Collected<Update>) =>
          s.results.map((r) => {
            if (!r.data) throw new Error(`error payload: ${JSON.stringify(r)}`);
            return r.data.runUpdated;
          });
        const ofA = collect<Update>(client, query, { graphId: graphA });
        const ofAll = collect<Update>(client, query, {});

        // Primer runs until both subscriptions report one: then they are surely registered.
        await poll('both subscriptions registered', async () => {
          const primer = await startRun(t.url, graphA);
          await waitForFinished(t.url, primer.id);
          await new Promise((r) => setTimeout(r, 100));
          const seen = (s: Collected<Update>) => updates(s).some((u) => u.id === primer.id);
          return seen(ofA) && seen(ofAll) ? true : undefined;
        });

        const runB = await startRun(t.url, graphB);
        const runA = await startRun(t.url, graphA);
        await ofA.until('run A succeeded', () =>
          updates(ofA).some((u) => u.id === runA.id && u.status === 'SUCCEEDED'),
        );
        await waitForFinished(t.url, runB.id);
        await ofAll.until('run B succeeded', () =>
          updates(ofAll).some((u) => u.id === runB.id && u.status === 'SUCCEEDED'),
        );

        const aUpdates = updates(ofA);
        expect(aUpdates.filter((u) => u.id === runA.id).map((u) => u.status)).toEqual([
          'QUEUED',
          'RUNNING',
          'SUCCEEDED',
        ]);
        expect(aUpdates.every((u) => u.graph.id === graphA)).toBe(true);
        expect(aUpdates.some((u) => u.id === runB.id)).toBe(false);
        // Without a graphId, both graphs' runs are reported (so the filter is what hid B).
        const allUpdates = updates(ofAll);
        expect(allUpdates.filter((u) => u.id === runB.id).map((u) => u.status)).toEqual([
          'QUEUED',
          'RUNNING',
          'SUCCEEDED',
        ]);
        expect(ofA.outcome).toBeNull();
        ofA.unsubscribe();
        ofAll.unsubscribe();
      },
      TIMEOUT,
    );

    it(
      'answers bad operations with an error for their own id and keeps the socket open',
      async () => {
        const closes: unknown[] = [];
        const socket = newClient({ on: { closed: (e) => void closes.push(e) } });
        const run = await startRun(t.url, graphId);
        const good = collectRunEvents(socket, run.id);
        await good.until('first events', (r) => r.length >= 2);

        const syntax = collect(socket, 'subscription { runEvents(runId: ');
        const unknownField = collect(socket, 'subscription { noSuchField }');
        const unknownRun = collectRunEvents(socket, 'no-such-run');
        const outcomes = await Promise.all([syntax.done, unknownField.done, unknownRun.done]);

        // Each bad operation ended on its own with an `error` message for its id.
        expect(outcomes.map((o) => o.kind)).toEqual(['error', 'error', 'error']);
        expect([syntax, unknownField, unknownRun].map((s) => s.results)).toEqual([[], [], []]);
        expect(errorMessages(syntax).join()).toMatch(/Syntax Error/);
        expect(errorMessages(unknownField).join()).toMatch(/noSuchField/);
        expect(errorCodes(unknownRun)).toEqual(['NOT_FOUND']);

        // The good subscription on the same socket was not disturbed.
        expect(closes).toEqual([]);
        expect(good.outcome).toBeNull();
        await expectFullLog(t.url, run.id, good);
      },
      TIMEOUT,
    );

    it(
      'serves the same runEvents sequence over SSE as over graphql-ws',
      async () => {
        const run = await startRun(t.url, graphId);
        const overWs = collectRunEvents(client, run.id);
        const overSse = sseSubscribe<{ runEvents: EventView }>(t.url, RUN_EVENTS_SUBSCRIPTION, {
          runId: run.id,
        });
        const wsEvents = await expectFullLog(t.url, run.id, overWs);
        const sse = await overSse;
        expect(sse.contentType).toMatch(/text\/event-stream/);
        expect(sse.completed).toBe(true);
        expect(sse.results.every((r) => !r.errors)).toBe(true);
        const sseEvents = sse.results.map((r) => r.data?.runEvents as EventView);
        expect(timeline(sseEvents)).toEqual(timeline(wsEvents));

        // SSE replay of the finished run, from an afterSeq.
        const tail = await sseSubscribe<{ runEvents: EventView }>(t.url, RUN_EVENTS_SUBSCRIPTION, {
          runId: run.id,
          afterSeq: 5,
        });
        expect(tail.completed).toBe(true);
        expect(timeline(tail.results.map((r) => r.data?.runEvents as EventView))).toEqual(
          timeline(wsEvents.slice(5)),
        );
      },
      TIMEOUT,
    );

    it(
      'runs the code-review example end to end from a graphql-ws client',
      async () => {
        const socket = newClient();
        /** One query or mutation over the socket. */
        const once = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
          const op = collect<T>(socket, query, variables);
          expect(await op.done).toEqual({ kind: 'complete' });
          const [result] = op.results;
          if (!result?.data || result.errors) throw new Error(JSON.stringify(op.results));
          return result.data;
        };
        const { graphByName } = await once<{ graphByName: { id: string } | null }>(
          'query ($name: String!) { graphByName(name: $name) { id } }',
          { name: 'code-review' },
        );
        expect(graphByName).not.toBeNull();
        const { startRun: run } = await once<{ startRun: { id: string; status: string } }>(
          'mutation ($graphId: ID!) { startRun(graphId: $graphId) { id status } }',
          { graphId: graphByName?.id },
        );
        expect(['QUEUED', 'RUNNING']).toContain(run.status);

        const sub = collectRunEvents(socket, run.id);
        expect(await sub.done).toEqual({ kind: 'complete' });
        const events = eventsOf(sub);
        expectContiguous(events);
        expect(events[0]?.type).toBe('RUN_STARTED');
        const end = events.at(-1);
        expect(end?.type).toBe('RUN_SUCCEEDED');
        const finalState = (end?.data as { state: Record<string, unknown> } | undefined)?.state;
        if (!finalState) throw new Error('RUN_SUCCEEDED carries no state');
        expect(typeof finalState.score).toBe('number');
        const succeeded = countPerNode(events, 'NODE_SUCCEEDED');
        for (const node of ['load', 'lint', 'fix', 'report'])
          expect(succeeded[node]).toBeGreaterThanOrEqual(1);

        const { run: stored } = await once<{
          run: { status: string; state: Record<string, unknown> };
        }>('query ($id: ID!) { run(id: $id) { status state } }', { id: run.id });
        expect(stored.status).toBe('SUCCEEDED');
        expect(stored.state).toEqual(finalState);
        expect(stored.state.reviews).toEqual({ 'orders.ts': 2 });
        expect(timeline(events)).toEqual(timeline(await storedEvents(t.url, run.id)));
      },
      TIMEOUT,
    );

    it(
      'lets a client over the socket read the stored log it was streamed',
      async () => {
        // The HTTP read path and the socket agree on a run's lastSeq.
        const run = await startRun(t.url, graphId);
        const sub = collectRunEvents(client, run.id);
        const received = await expectFullLog(t.url, run.id, sub);
        const data = await gqlOk<{ run: { lastSeq: number; status: string } }>(
          t.url,
          'query ($id: ID!) { run(id: $id) { lastSeq status } }',
          { id: run.id },
        );
        expect(data.run).toEqual({ lastSeq: received.length, status: 'SUCCEEDED' });
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`subscriptions over real sockets (${name})`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else suite(name);
}
