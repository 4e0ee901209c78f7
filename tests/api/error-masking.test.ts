import { afterEach, expect, it, vi } from 'vitest';
import type { GqlResult } from '../helpers/app.js';
import {
  createGraph,
  describeBackends,
  expectError,
  HEALTH,
  RUN,
  runToEnd,
  START_RUN,
  setStateGraph,
} from './operations.js';

/** What a failing database driver might say: it must never reach a client in production. */
const SECRET = 'connect ECONNREFUSED secret-db.internal:5432 (user admin)';

const RUN_STATE = `query RunState($id: ID!) { run(id: $id) { id status state } }`;

afterEach(() => {
  vi.restoreAllMocks();
});

await describeBackends('error masking', (api) => {
  it('masks an unexpected error as "Unexpected error." with INTERNAL_SERVER_ERROR', async () => {
    const graph = await createGraph(api(), setStateGraph());
    vi.spyOn(api().app.runs, 'start').mockRejectedValueOnce(new Error(SECRET));
    const res = await api().gql(START_RUN, { graphId: graph.id });
    const error = expectError(res, 'INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Unexpected error.');
    expect(error.path).toEqual(['startRun']);
    expect(res.data).toBeNull();
    expect(JSON.stringify(res)).not.toContain('secret-db');
  });

  it('logs the masked error with its stack for the operator', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const thrown = new Error(SECRET);
    vi.spyOn(api().app.runs, 'start').mockRejectedValueOnce(thrown);
    const logged = vi.spyOn(api().app.logger, 'error');
    await api().gql(START_RUN, { graphId: graph.id });
    expect(logged).toHaveBeenCalledWith(
      'unexpected error in a GraphQL operation',
      expect.objectContaining({ err: thrown, path: ['startRun'] }),
    );
  });

  it('masks a failure deep in a query and keeps the fields that resolved', async () => {
    const run = await runToEnd(api(), (await createGraph(api(), setStateGraph())).id);
    vi.spyOn(api().app.runs, 'currentState').mockRejectedValueOnce(new TypeError(SECRET));
    const res: GqlResult<{ run: { id: string; status: string; state: unknown } }> = await api().gql(
      RUN_STATE,
      { id: run.id },
    );
    const error = expectError(res, 'INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Unexpected error.');
    expect(error.path).toEqual(['run', 'state']);
    expect(res.data?.run).toEqual({ id: run.id, status: 'SUCCEEDED', state: null });
  });

  it('masks a database failure behind health', async () => {
    const prisma = api().app.db.prisma;
    vi.spyOn(prisma, '$queryRawUnsafe').mockRejectedValueOnce(new Error(SECRET) as never);
    const res = await api().gql(HEALTH);
    expect(expectError(res, 'INTERNAL_SERVER_ERROR').message).toBe('Unexpected error.');
    expect(JSON.stringify(res)).not.toContain('secret-db');
    // The next request reaches the database again.
    const ok = await api().ok<{ health: { ok: boolean } }>(HEALTH);
    expect(ok.health.ok).toBe(true);
  });

  it('still shows known errors with their code and message', async () => {
    const res = await api().gql(START_RUN, { graphId: 'no-such-graph' });
    expect(expectError(res, 'NOT_FOUND').message).toBe('Graph "no-such-graph" does not exist.');
  });

  it('shows the real state again once nothing fails', async () => {
    const run = await runToEnd(api(), (await createGraph(api(), setStateGraph({ k: 1 }))).id);
    const { run: read } = await api().ok<{ run: { state: unknown } }>(RUN, { id: run.id });
    expect(read.state).toEqual({ k: 1 });
  });
});

await describeBackends(
  'error masking with DEV_ERRORS=true',
  (api) => {
    it('shows the real message and the stack of an unexpected error', async () => {
      const graph = await createGraph(api(), setStateGraph());
      vi.spyOn(api().app.runs, 'start').mockRejectedValueOnce(new Error(SECRET));
      const res = await api().gql(START_RUN, { graphId: graph.id });
      expect(res.errors).toHaveLength(1);
      const error = res.errors?.[0];
      expect(error?.message).toBe(SECRET);
      expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error?.extensions?.stack).toContain(`Error: ${SECRET}`);
    });

    it('shows known errors exactly as in production', async () => {
      const res = await api().gql(START_RUN, { graphId: 'no-such-graph' });
      const error = expectError(res, 'NOT_FOUND');
      expect(error.message).toBe('Graph "no-such-graph" does not exist.');
    });
  },
  { DEV_ERRORS: 'true' },
);
