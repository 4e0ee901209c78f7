/**
 * Size limits and operation limits over real sockets: HTTP bodies, WebSocket frames and Origin,
 * and the same rejections (with the same codes) over graphql-ws and SSE as over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { gql } from './helpers/gql.js';
import { sseSubscribe } from './helpers/sse.js';
import { collect, errorCodes, wsClient } from './helpers/ws.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
  await t.listen();
});
afterAll(() => t.close());

const MB = 1024 * 1024;

/** A JSON body of about `bytes` bytes that is a valid GraphQL request. */
function bigBody(bytes: number): string {
  return JSON.stringify({ query: '{ health { ok } }', variables: { pad: 'x'.repeat(bytes) } });
}

/** Opens a raw graphql-ws socket and resolves once the server acknowledged the connection. */
function openAcked(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.once('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string };
      if (message.type === 'connection_ack') resolve(socket);
      else reject(new Error(`expected connection_ack, got ${String(raw)}`));
    });
  });
}

/** The status a WebSocket upgrade is answered with (101 when it is accepted). */
function upgradeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { origin });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('request size limits', () => {
  it('answers a 2 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: bigBody(2 * MB),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a chunked body (no Content-Length) with 413 once it passes the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          new TextEncoder().encode('{"query":"{ health { ok } }","variables":{"p":"'),
        );
      },
      pull(controller) {
        // Far more than the limit: the server must stop reading long before the end.
        if (sent > 8 * MB) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('accepts a body just under the limit', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: bigBody(MB - 1024),
    });
    expect(res.status).toBe(200);
  });

  it('closes a graphql-ws socket with 1009 on a frame above 1 MB, without executing it', async () => {
    const socket = await openAcked(t.wsUrl);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: '{ health { ok } }', variables: { pad: 'x'.repeat(2 * MB) } },
      }),
    );
    expect(await closed).toBe(1009);
  });

  it('keeps a socket open for frames under the limit', async () => {
    const socket = await openAcked(t.wsUrl);
    const reply = new Promise<string>((resolve) =>
      socket.once('message', (raw) => resolve(String(raw))),
    );
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: '{ health { ok } }', variables: { pad: 'x'.repeat(512 * 1024) } },
      }),
    );
    expect(JSON.parse(await reply)).toMatchObject({ id: '1', type: 'next' });
    socket.close();
  });
});

describe('WebSocket origin', () => {
  it('refuses an upgrade from a foreign origin and accepts the same origin', async () => {
    expect(await upgradeStatus(t.wsUrl, 'https://evil.example')).toBe(401);
    const own = new URL(t.url).origin;
    expect(await upgradeStatus(t.wsUrl, own)).toBe(101);
  });
});

describe('the same operation limits over HTTP, graphql-ws and SSE', () => {
  const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: health { ok }`).join(' ')} }`;
  const bigPage = '{ runs(first: 5000) { edges { node { id } } } }';
  const costly = `{ ${Array.from(
    { length: 10 },
    (_, i) =>
      `r${i}: runs(first: 100) { edges { node { events(first: 100) { edges { node { seq } } } } } }`,
  ).join(' ')} }`;
  let deep = 'id';
  for (let i = 0; i < 12; i++) deep = `graph { runs(first: 1) { edges { node { ${deep} } } } }`;
  const cases = [
    ['TOO_MANY_ALIASES', aliases],
    ['PAGE_TOO_LARGE', bigPage],
    ['QUERY_TOO_COSTLY', costly],
    ['QUERY_TOO_DEEP', `{ run(id: "x") { ${deep} } }`],
  ] as const;

  for (const [code, query] of cases) {
    it(`rejects with ${code} on every transport`, async () => {
      const http = await gql(t.url, query);
      expect(http.errors?.map((e) => e.extensions?.code)).toContain(code);

      const client = wsClient(t.wsUrl);
      try {
        const sub = collect(client, query);
        await sub.done;
        expect(errorCodes(sub)).toContain(code);
      } finally {
        await client.dispose();
      }

      const sse = await sseSubscribe<unknown>(t.url, query, {});
      const sseErrors = sse.results.flatMap(
        (r) => (r.errors ?? []) as Array<{ extensions?: { code?: string } }>,
      );
      expect(sseErrors.map((e) => e.extensions?.code)).toContain(code);
    });
  }

  it('refuses introspection over graphql-ws too when it is off', async () => {
    const off = await createTestApp({ env: { SEED_EXAMPLES: 'false', INTROSPECTION: 'off' } });
    await off.listen();
    const client = wsClient(off.wsUrl);
    try {
      const sub = collect(client, '{ __schema { queryType { name } } }');
      await sub.done;
      expect(errorCodes(sub)).toContain('INTROSPECTION_DISABLED');
    } finally {
      await client.dispose();
      await off.close();
    }
  });
});
