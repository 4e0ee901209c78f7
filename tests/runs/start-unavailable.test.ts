/**
 * startRun while another connection holds the database locked: it answers within
 * START_TIMEOUT_MS with a retryable UNAVAILABLE, and no run is left behind once the lock goes
 * (the creation is taken out of its batch, or deleted if a commit under way stored it).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '../../src/persistence/database.js';
import { quickGraph } from '../e2e/helpers/graphs.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { type Backend, backends } from '../helpers/databases.js';

const START = `mutation ($graphId: ID!) { startRun(graphId: $graphId) { id status } }`;

/** Holds an exclusive lock from another connection until the returned release is called. */
async function lockDatabase(backend: Backend, url: string): Promise<() => Promise<void>> {
  if (backend === 'sqlite') {
    const other = new Database(sqlitePath(url));
    other.exec('BEGIN EXCLUSIVE');
    return async () => {
      other.exec('ROLLBACK');
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE "Run" IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

function suite(backend: Backend) {
  describe(`startRun on a locked database (${backend})`, () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const t of apps) await t.close();
    });

    it('answers UNAVAILABLE within START_TIMEOUT_MS and creates nothing', async () => {
      const t = await createTestApp({ backend, env: { START_TIMEOUT_MS: '1000' } });
      apps.push(t);
      const graph = await t.ok<{ createGraph: { id: string } }>(
        'mutation ($input: GraphInput!) { createGraph(input: $input) { id } }',
        { input: quickGraph('locked').input },
      );
      const graphId = graph.createGraph.id;
      // Warm: the graph version is cached, the run table readable.
      await t.ok(START, { graphId });
      const count = () => t.app.db.prisma.run.count();
      const before = await count();

      const release = await lockDatabase(backend, t.db.url);
      let result: Awaited<ReturnType<typeof t.gql>>;
      const startedAt = Date.now();
      try {
        result = await t.gql(START, { graphId });
      } finally {
        // Held a little longer than the answer: a commit under way may store the run after it.
        await new Promise((r) => setTimeout(r, 300));
        await release();
      }
      const took = Date.now() - startedAt;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(4_000);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
      });
      expect(result.errors?.[0]?.message).toMatch(/not created.*Retry/);

      // Once the lock is gone, the database holds no trace of it, and runs start again.
      await waitUntil(async () => ((await count()) === before ? true : undefined), 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(await count()).toBe(before);
      const again = await t.ok<{ startRun: { id: string } }>(START, { graphId });
      expect(again.startRun.id).toBeTruthy();
    }, 30_000);
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`startRun on a locked database (${name})`, () => {
      it.skip(skip, () => {});
    });
  } else suite(name);
}
