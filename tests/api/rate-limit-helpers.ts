/** Shared by the rate-limit suites: HTTP calls with a credential, and a tenant with keys. */
import { randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers/app.js';
import { CREATE_GRAPH, START_RUN, toGraphInput, uniqueName } from './operations.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

/** A real POST to a listening server, so the status and headers can be checked. */
export async function post(
  url: string,
  key: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as never };
}

/** Two writer keys in a fresh tenant, and a one-node graph of that tenant. */
export async function tenantWithGraph(t: TestApp, url: string) {
  const tenantId = `rl-${randomUUID().slice(0, 8)}`;
  const a = (await t.app.apiKeys.create({ tenantId, role: 'writer' })).key;
  const b = (await t.app.apiKeys.create({ tenantId, role: 'writer' })).key;
  const created = await post(url, a, CREATE_GRAPH, {
    input: toGraphInput({
      name: uniqueName('rl'),
      nodes: [{ id: 'set', tool: 'set_state', config: { values: { done: true } } }],
      edges: [],
      entry: 'set',
    }),
  });
  const graphId = (created.body.data?.createGraph as { id: string } | undefined)?.id;
  if (!graphId) throw new Error(`createGraph failed: ${JSON.stringify(created.body)}`);
  return { tenantId, a, b, graphId };
}

export const start = (url: string, key: string, graphId: string) =>
  post(url, key, START_RUN, { graphId, input: {} });

/** How many runs the tenant has (the database, not the API: a refused call must store nothing). */
export async function runCount(t: TestApp, tenantId: string): Promise<number> {
  return t.app.db.prisma.run.count({ where: { tenantId } });
}
