import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { parseMessage } from './helpers/sse.js';
import { wsClient } from './helpers/ws.js';

const RUN_UPDATED = 'subscription { runUpdated { id status } }';

/** Opens a graphql-ws socket: resolves 'connected', or the close code it was refused with. */
function connect(url: string, key?: string) {
  const client = wsClient(url, {
    lazy: false,
    ...(key ? { connectionParams: { authorization: `Bearer ${key}` } } : {}),
    onNonLazyError: () => {},
  });
  const outcome = new Promise<'connected' | number>((resolve) => {
    client.on('connected', () => resolve('connected'));
    client.on('closed', (event) => resolve((event as { code: number }).code));
  });
  return { client, outcome };
}

/** An SSE subscription request: its status and, when refused, the error codes it streamed. */
async function sse(url: string, key?: string): Promise<{ status: number; codes: string[] }> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query: RUN_UPDATED }),
    signal: controller.signal,
  });
  if (res.status === 200) {
    controller.abort();
    return { status: 200, codes: [] };
  }
  const codes: string[] = [];
  for (const block of (await res.text()).split('\n\n')) {
    const message = parseMessage(block);
    if (message?.event !== 'next') continue;
    const payload = JSON.parse(message.data) as {
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    for (const e of payload.errors ?? []) codes.push(String(e.extensions?.code));
  }
  return { status: res.status, codes };
}

describe('connection rate limit over real sockets (API keys)', () => {
  let t: TestApp;
  const clients: Array<{ dispose(): void | Promise<void> }> = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH: 'apikey', SEED_EXAMPLES: 'false', RATE_LIMIT_CONNECTIONS: '2/60s' },
    });
    await t.listen();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
  });

  it('closes the socket over budget with 4429, answers SSE 429, and spares other keys', async () => {
    const tenantId = `rl-${randomUUID().slice(0, 8)}`;
    const a = (await t.app.apiKeys.create({ tenantId, role: 'reader' })).key;
    const b = (await t.app.apiKeys.create({ tenantId, role: 'reader' })).key;

    const opened = [connect(t.wsUrl, a), connect(t.wsUrl, a)];
    for (const o of opened) clients.push(o.client);
    expect(await Promise.all(opened.map((o) => o.outcome))).toEqual(['connected', 'connected']);
    const third = connect(t.wsUrl, a);
    clients.push(third.client);
    expect(await third.outcome).toBe(4429);

    // An SSE subscription request spends the same budget: refused with 429 and RATE_LIMITED.
    expect(await sse(t.url, a)).toEqual({ status: 429, codes: ['RATE_LIMITED'] });

    // The other key: its own budget, over both transports.
    const other = connect(t.wsUrl, b);
    clients.push(other.client);
    expect(await other.outcome).toBe('connected');
    expect((await sse(t.url, b)).status).toBe(200);

    // A socket without a valid credential is still refused as before.
    const anonymous = connect(t.wsUrl);
    clients.push(anonymous.client);
    expect(await anonymous.outcome).toBe(4403);
  });
});

describe('connection rate limit for anonymous callers (AUTH=none): by remote address', () => {
  let t: TestApp;
  const clients: Array<{ dispose(): void | Promise<void> }> = [];
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false', RATE_LIMIT_CONNECTIONS: '1/60s' } });
    await t.listen();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
  });

  it('shares one budget between the sockets and SSE requests of one address', async () => {
    const first = connect(t.wsUrl);
    clients.push(first.client);
    expect(await first.outcome).toBe('connected');
    const second = connect(t.wsUrl);
    clients.push(second.client);
    expect(await second.outcome).toBe(4429);
    expect((await sse(t.url)).status).toBe(429);
    // Queries and mutations other than startRun are not counted.
    expect((await t.gql('{ health { ok } }')).errors).toBeUndefined();
  });
});
