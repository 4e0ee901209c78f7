/**
 * Secrets in tool errors: a tool throws an error carrying the DATABASE_URL password (PostgreSQL)
 * and a *_TOKEN value. The stored events, the streamed events, the run's error and the log line
 * all show [redacted] instead.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { RunEvent } from '../../src/engine/index.js';
import type { Logger } from '../../src/logger.js';
import { createRedactor, secretsFromEnv } from '../../src/redaction.js';
import { redactEvent } from '../../src/runs/event-writer.js';
import {
  type Backend,
  backends,
  openTestDatabase,
  type TestDatabase,
} from '../helpers/databases.js';

const TOKEN = 'tok-9f8e7d6c5b4a';
const PASSWORD = 'pw-Zq81xKc';

function suite(backend: Backend) {
  describe(`redaction of secrets (${backend})`, () => {
    const dbs: TestDatabase[] = [];
    afterAll(async () => {
      for (const db of dbs) await db.drop();
    });

    it('stores, streams and logs tool errors without the configured secrets', async () => {
      const db = await openTestDatabase(backend);
      dbs.push(db);
      let url = db.url;
      if (backend === 'postgresql') {
        const u = new URL(db.url);
        u.password = PASSWORD; // the test server trusts local connections: any password works
        url = u.toString();
      }
      const lines: string[] = [];
      const capture = (level: string) => (m: string, f?: Record<string, unknown>) =>
        void lines.push(`${level} ${m} ${JSON.stringify(f ?? {})}`);
      const logger: Logger = {
        info: capture('info'),
        warn: capture('warn'),
        error: capture('error'),
      };
      const config = loadConfig({
        DATABASE_URL: url,
        PORT: '0',
        LOG_LEVEL: 'silent',
        SERVICE_TOKEN: TOKEN,
      });
      const app = await buildApp(config, { logger });
      try {
        const secrets = backend === 'postgresql' ? [PASSWORD, TOKEN] : [TOKEN];
        const message =
          backend === 'postgresql'
            ? `could not connect to ${url} (token ${TOKEN})`
            : `could not connect with token ${TOKEN}`;
        const graph = await app.graphs.create({
          name: 'leaky',
          entry: 'connect',
          nodes: [{ id: 'connect', tool: 'fail', config: { message, retryable: false } }],
          edges: [],
        } as never);
        const run = await app.runs.start((graph as { id: string }).id, {});
        const streamed: RunEvent[] = [];
        for await (const e of app.runs.events(run.id)) streamed.push(e);

        const stored = await app.db.prisma.runEvent.findMany({ where: { runId: run.id } });
        const row = await app.db.prisma.run.findUnique({ where: { id: run.id } });
        const res = await app.yoga.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'query ($id: ID!) { run(id: $id) { status error { code message } } }',
            variables: { id: run.id },
          }),
        });
        const api = (await res.json()) as {
          data: { run: { status: string; error: { message: string } } };
        };
        expect(api.data.run.status).toBe('FAILED');
        const logLine = lines.find((l) => l.includes('run failed'));
        expect(logLine).toBeDefined();
        for (const [what, text] of [
          ['stored events', JSON.stringify(stored)],
          ['streamed events', JSON.stringify(streamed)],
          ['run row error', JSON.stringify(row?.error)],
          ['API run error', api.data.run.error.message],
          ['log line', logLine ?? ''],
        ] as const) {
          for (const secret of secrets) expect(text, what).not.toContain(secret);
          expect(text, what).toContain('[redacted]');
        }
      } finally {
        await app.stop();
      }
    }, 30_000);
  });
}

describe('redactor', () => {
  it('takes DATABASE_URL / REDIS_URL userinfo, *_KEY/_SECRET/_TOKEN/_PASSWORD and REDACT names', () => {
    const secrets = secretsFromEnv({
      DATABASE_URL: 'postgresql://app:p%40ss-word@db/x',
      REDIS_URL: 'redis://:redispass1@cache:6379',
      OPENAI_API_KEY: 'sk-abcdef',
      MY_DSN: 'dsn-value-1',
      REDACT: 'MY_DSN',
      PLAIN: 'not-secret',
    });
    const r = createRedactor(secrets);
    expect(r.text('p@ss-word p%40ss-word redispass1 sk-abcdef dsn-value-1 not-secret')).toBe(
      '[redacted] [redacted] [redacted] [redacted] [redacted] not-secret',
    );
    // Any URL's password, configured or not.
    expect(r.text('mysql://root:hunter22@h/db')).toBe('mysql://root:[redacted]@h/db');
    const value = { a: ['sk-abcdef'], b: 1 };
    expect(r.value(value)).toEqual({ a: ['[redacted]'], b: 1 });
    const same = { a: 'nothing here' };
    expect(r.value(same)).toBe(same);
  });
});

describe('redactEvent', () => {
  it('removes secrets from CUSTOM payloads (streamed model text) as from log lines', () => {
    const r = createRedactor([TOKEN]);
    const event: RunEvent = {
      runId: 'r',
      seq: 3,
      at: 0,
      type: 'CUSTOM',
      nodeId: 'ask',
      attempt: 1,
      data: { name: 'llm.delta', payload: { text: `the token is ${TOKEN}`, offset: 0 } },
    };
    expect(redactEvent(r, event)).toEqual({
      ...event,
      data: { name: 'llm.delta', payload: { text: 'the token is [redacted]', offset: 0 } },
    });
    const clean: RunEvent = { ...event, data: { name: 'llm.usage', payload: { inputTokens: 3 } } };
    expect(redactEvent(r, clean)).toBe(clean);
  });
});

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`redaction of secrets (${name})`, () => {
      it.skip(skip, () => {});
    });
  } else suite(name);
}
