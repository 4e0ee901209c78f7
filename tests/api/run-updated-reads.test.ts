/**
 * What runUpdated and startRun read: a status update is one record the run service holds, so
 * the fields a subscriber asks for beyond it (graph, nodes, state) are read once per update,
 * however many subscribers there are, and startRun answers from the run it created.
 * Subscribers run through graphql's own `subscribe` on the app's schema, with a context whose
 * Prisma client and run service count what they are asked.
 */
import { type ExecutionResult, execute, parse, subscribe } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/authenticate.js';
import type { RunRecord } from '../../src/runs/ports.js';
import { type Context, getSchema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from './graphs.js';

const FIELDS = 'id status graphVersion lastSeq graph { id name } nodes { nodeId status } state';
const RUN_UPDATED = parse(`subscription ($g: ID) { runUpdated(graphId: $g) { ${FIELDS} } }`);

interface Update {
  id: string;
  status: string;
  graphVersion: number;
  lastSeq: number;
  graph: { id: string; name: string };
  nodes: Array<{ nodeId: string; status: string }>;
  state: Record<string, unknown> | null;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
});
afterAll(() => t.close());

/** A context like the server's, counting Prisma operations by model and currentState calls. */
function countingContext() {
  const reads: string[] = [];
  const prisma = t.app.db.prisma.$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        reads.push(`${model}.${operation}`);
        return query(args);
      },
    },
  });
  const runs = {
    ...t.app.runs,
    currentState: (run: Parameters<typeof t.app.runs.currentState>[0]) => {
      reads.push('currentState');
      return t.app.runs.currentState(run);
    },
  };
  const context = {
    prisma,
    runs,
    graphs: t.app.graphs,
    apiKeys: t.app.apiKeys,
    identity: ANONYMOUS,
  } as unknown as Context;
  return { context, reads };
}

/** `n` runUpdated subscribers of one graph, each collecting updates until the run's end. */
async function subscribers(n: number, graphId: string, context: Context) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const stream = (await subscribe({
        schema: getSchema(),
        document: RUN_UPDATED,
        variableValues: { g: graphId },
        contextValue: context,
      })) as AsyncGenerator<ExecutionResult<{ runUpdated: Update }>>;
      const updates: Update[] = [];
      const done = (async () => {
        for await (const r of stream) {
          expect(r.errors).toBeUndefined();
          updates.push(r.data!.runUpdated);
          if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.data!.runUpdated.status)) break;
        }
        return updates;
      })();
      return done;
    }),
  );
}

/** One run of a two-node graph watched by `n` subscribers: their updates and the reads made. */
async function watchOneRun(n: number) {
  const graph = await t.app.graphs.create({
    name: uniqueName('watched'),
    nodes: [
      { id: 'a', tool: 'set_state', config: { values: { a: 1 } } },
      { id: 'b', tool: 'increment', config: { key: 'count' } },
    ],
    edges: [{ from: 'a', to: 'b' }],
    entry: 'a',
  });
  const { context, reads } = countingContext();
  const watching = subscribers(n, graph.id, context);
  // The subscriptions are open once `subscribe` resolved; let them reach the bus.
  await new Promise((resolve) => setImmediate(resolve));
  const run: RunRecord = await t.app.runs.start(graph.id, { seed: true });
  const seen = await Promise.all(await watching);
  await t.app.runs.waitFor(run.id);
  return { graph, run, seen, reads };
}

describe('runUpdated reads', () => {
  it('reads what its subscribers ask for once per update, not once per subscriber', async () => {
    const one = await watchOneRun(1);
    const many = await watchOneRun(25);
    const updatesOf = (w: typeof one) => w.seen[0]!.length;
    expect(updatesOf(one)).toBeGreaterThanOrEqual(2);
    // 25 subscribers cost the reads one does (graph, nodes and state of each update, at most).
    expect(many.reads.length).toBe(one.reads.length);
    expect(many.reads.length).toBeLessThanOrEqual(3 * updatesOf(many));
    // ...and every one of them saw the same updates, with the relations resolved.
    for (const updates of many.seen) expect(updates).toEqual(many.seen[0]);
    const last = many.seen[0]!.at(-1)!;
    expect(last).toMatchObject({
      id: many.run.id,
      status: 'SUCCEEDED',
      graphVersion: 1,
      graph: { id: many.graph.id, name: many.graph.name },
      nodes: [
        { nodeId: 'a', status: 'SUCCEEDED' },
        { nodeId: 'b', status: 'SUCCEEDED' },
      ],
      state: { seed: true, a: 1, count: 1 },
    });
    expect(many.seen[0]!.map((u) => u.status)).toContain('QUEUED');
  });
});

describe('startRun answer', () => {
  it('equals the run as read back afterwards, without reading the run', async () => {
    const graph = await t.app.graphs.create({
      name: uniqueName('answered'),
      nodes: [{ id: 'wait', tool: 'delay', config: { ms: 60_000 } }],
      edges: [],
      entry: 'wait',
    });
    const fields =
      'id status graphVersion input lastSeq createdAt graph { id name } concurrencyKey';
    const { context, reads } = countingContext();
    const answer = (await execute({
      schema: getSchema(),
      document: parse(
        `mutation ($g: ID!) { startRun(graphId: $g, input: { x: 1 }) { ${fields} } }`,
      ),
      variableValues: { g: graph.id },
      contextValue: context,
    })) as ExecutionResult<{ startRun: Record<string, unknown> }>;
    expect(answer.errors).toBeUndefined();
    const started = answer.data!.startRun;
    // The graph is the only thing it read through the API (the run's own row never).
    expect(reads.filter((r) => r.startsWith('Run.'))).toEqual([]);
    const back = await t.ok<{ run: Record<string, unknown> }>(
      `query ($id: ID!) { run(id: $id) { ${fields} } }`,
      { id: started.id },
    );
    expect(started).toEqual({ ...back.run, status: 'QUEUED', lastSeq: 0 });
    expect(started).toMatchObject({ graphVersion: 1, input: { x: 1 }, graph: { id: graph.id } });
    await t.app.runs.cancel(String(started.id));
  });
});
