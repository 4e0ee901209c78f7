import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { redisUnavailable, TEST_REDIS_URL } from '../helpers/redis.js';
import { runCount, start, tenantWithGraph } from './rate-limit-helpers.js';

const REDIS_URL = TEST_REDIS_URL;

const skip = await redisUnavailable('Redis rate limit tests');
if (skip) console.warn(skip);

/** Two servers with REDIS_URL: one budget per key, whichever server a call reaches. */
describe.skipIf(skip !== null)('startRun rate limit shared through Redis', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    const env = {
      AUTH: 'apikey',
      SEED_EXAMPLES: 'false',
      REDIS_URL,
      RATE_LIMIT_START_RUNS: '4/30s',
    };
    one = await createTestApp({ db, env });
    two = await createTestApp({ db, env });
    await one.listen();
    await two.listen();
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('refuses the 5th start of a key across both servers, not another key', async () => {
    const { tenantId, a, b, graphId } = await tenantWithGraph(one, one.url);
    const answers = [];
    for (const url of [one.url, two.url, one.url, two.url, one.url, two.url])
      answers.push(await start(url, a, graphId));
    expect(answers.map((r) => r.body.errors?.[0]?.extensions?.code ?? r.status)).toEqual([
      200,
      200,
      200,
      200,
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    expect(answers.slice(4).map((r) => r.status)).toEqual([429, 429]);
    expect(answers[5]?.body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    expect(await runCount(one, tenantId)).toBe(4);
    expect((await start(two.url, b, graphId)).status).toBe(200);
  });
});
