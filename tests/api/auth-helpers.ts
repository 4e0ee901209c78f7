/**
 * Shared pieces of the auth and tenancy suites: requests carrying a credential (in process through
 * yoga.fetch, or over a real socket), keys of each role, graphql-ws clients that authenticate in
 * connection_init, and an SSE reader that sends the Authorization header.
 */
import type { Client } from 'graphql-ws';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { Role } from '../../src/auth/identity.js';
import { wsClient } from '../e2e/helpers/ws.js';
import type { GqlResult } from '../helpers/app.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: GqlResult<T>;
}

const authHeader = (credential: string | undefined): Record<string, string> =>
  credential === undefined
    ? {}
    : { authorization: credential.includes(' ') ? credential : `Bearer ${credential}` };

/**
 * One operation in process (yoga.fetch). `credential`: an API key or token (sent as Bearer), a
 * full Authorization value when it holds a space, or undefined for none.
 */
export async function call<T = Record<string, unknown>>(
  t: { app: App },
  credential: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Answer<T>> {
  const res = await t.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...authHeader(credential),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlResult<T> };
}

/** Same over a real socket (fetch to the listening server). */
export async function callUrl<T = Record<string, unknown>>(
  url: string,
  credential: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...authHeader(credential),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlResult<T> };
}

/** The data of an answer that must have succeeded. */
export function dataOf<T>(answer: Answer<T>): T {
  expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
  expect(answer.status).toBe(200);
  return answer.body.data as T;
}

/** The one error code of an answer that must have failed. */
export function codeOf(answer: Answer<unknown>): string {
  expect(answer.body.errors, JSON.stringify(answer.body)).toHaveLength(1);
  return String(answer.body.errors?.[0]?.extensions?.code);
}

/** HTTP 401 with UNAUTHENTICATED and no data. */
export function expectUnauthenticated(answer: Answer<unknown>): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(401);
  expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  expect(answer.body.data ?? null).toBeNull();
}

export type Keys = Record<Role, string> & { ids: Record<Role, string> };

/** One key of each role in `tenantId`, made through the app's own ApiKeys. */
export async function keysFor(t: { app: App }, tenantId: string): Promise<Keys> {
  const keys = { ids: {} } as Keys;
  for (const role of ['reader', 'writer', 'admin'] as const) {
    const { key, record } = await t.app.apiKeys.create({ tenantId, role, name: `${role} key` });
    keys[role] = key;
    keys.ids[role] = record.id;
  }
  return keys;
}

/** A graphql-ws client that sends the credential in connection_init (none when undefined). */
export function authedWs(url: string, credential: string | undefined): Client {
  return wsClient(url, {
    connectionParams: credential === undefined ? {} : { authorization: `Bearer ${credential}` },
  });
}

/** Runs one query or mutation over graphql-ws to its single result. */
export function wsOnce<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult<T>> {
  return new Promise((resolve, reject) => {
    let result: GqlResult<T> | undefined;
    client.subscribe<T>(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (r) => {
          result = r as GqlResult<T>;
        },
        error: (err) => {
          // A refused operation answers with an `error` message: a list of GraphQL errors.
          if (Array.isArray(err)) resolve({ errors: err as GqlResult['errors'] });
          else reject(err);
        },
        complete: () => (result ? resolve(result) : reject(new Error('no result'))),
      },
    );
  });
}

/** A streaming SSE subscription with an Authorization header: its status, then its messages. */
export interface SseStream<T> {
  status: number;
  results: Array<GqlResult<T>>;
  /** Resolves when the server ends the stream (`complete` or closed). */
  ended: Promise<void>;
  completed: boolean;
  close(): void;
}

export async function sseOpen<T = Record<string, unknown>>(
  url: string,
  credential: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<SseStream<T>> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...authHeader(credential),
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const stream: SseStream<T> = {
    status: res.status,
    results: [],
    completed: false,
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (!res.body) return stream;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  stream.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'next';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (event === 'complete') {
            stream.completed = true;
            return;
          }
          if (event === 'next' && data.join('') !== '')
            stream.results.push(JSON.parse(data.join('\n')));
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      await reader.cancel().catch(() => {});
    }
  })();
  return stream;
}

/** Polls until `check` holds; fails with `what` after `ms`. */
export async function eventually(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
