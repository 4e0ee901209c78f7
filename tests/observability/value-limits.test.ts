import { expect, it } from 'vitest';
import {
  createGraph,
  describeBackends,
  expectError,
  runToEnd,
  START_RUN,
  uniqueName,
} from '../api/operations.js';

await describeBackends(
  'size limit of state values (MAX_VALUE_BYTES)',
  (api) => {
    const small = () =>
      createGraph(api(), {
        name: uniqueName('limits'),
        nodes: [{ id: 'a', tool: 'set_state', config: { values: { ok: true } } }],
        edges: [],
        entry: 'a',
      });

    it('refuses a startRun input value above the limit with VALUE_TOO_LARGE, naming the key', async () => {
      const graph = await small();
      const res = await api().gql(START_RUN, {
        graphId: graph.id,
        input: { fine: 'x'.repeat(100), huge: 'x'.repeat(5_000) },
      });
      const error = expectError(res, 'VALUE_TOO_LARGE');
      expect(error.message).toContain('"huge"');
      expect(error.message).toContain('MAX_VALUE_BYTES');
      expect(error.extensions).toMatchObject({ key: 'huge', maxBytes: 4_096 });
      // Under the limit it starts.
      expect((await runToEnd(api(), graph.id, { fine: 'x'.repeat(3_000) })).status).toBe(
        'SUCCEEDED',
      );
    });

    it('fails a node whose tool returns a value above the limit, without retrying it', async () => {
      const graph = await createGraph(api(), {
        name: uniqueName('big-output'),
        nodes: [
          {
            id: 'big',
            tool: 'set_state',
            config: { values: { blob: 'y'.repeat(10_000) } },
            retry: { maxAttempts: 3, initialDelayMs: 1, backoff: 1 },
          },
        ],
        edges: [],
        entry: 'big',
      });
      const run = await runToEnd(api(), graph.id);
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatchObject({ code: 'VALUE_TOO_LARGE', nodeId: 'big' });
      expect(run.error?.message).toContain('"blob"');
      expect(run.nodes[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(JSON.stringify(run.events)).not.toContain('y'.repeat(5_000));
    });
  },
  { MAX_VALUE_BYTES: '4096' },
);
