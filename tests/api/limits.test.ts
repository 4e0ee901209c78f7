/**
 * Operation limits and browser protections, in process through yoga.fetch: each rejection has a
 * stable code and happens before any resolver runs; realistic queries pass under the defaults.
 */

import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLimits } from '../../src/config.js';
import { GRAPHIQL_TABS } from '../../src/server/graphiql.js';
import { createTestApp, type GqlResult, type TestApp } from '../helpers/app.js';

let t: TestApp;
let graphId: string;

beforeAll(async () => {
  t = await createTestApp();
  const data = await t.ok<{ graphs: { edges: Array<{ node: { id: string } }> } }>(
    '{ graphs(first: 1) { edges { node { id } } } }',
  );
  graphId = data.graphs.edges[0]?.node.id ?? '';
});
afterAll(() => t.close());

const codes = (res: GqlResult) => res.errors?.map((e) => e.extensions?.code) ?? [];

/** A POST as a browser form or script would send it. */
function post(body: BodyInit, headers: Record<string, string>) {
  return t.app.yoga.fetch('http://test/graphql', { method: 'POST', headers, body });
}

const START = (id: string) => `mutation { startRun(graphId: "${id}", input: {}) { id } }`;

describe('operation limits', () => {
  it('rejects a query deeper than MAX_DEPTH with QUERY_TOO_DEEP', async () => {
    let inner = 'id';
    for (let i = 0; i < 12; i++) inner = `graph { runs(first: 1) { edges { node { ${inner} } } } }`;
    const res = await t.gql(`{ run(id: "x") { ${inner} } }`);
    expect(codes(res)).toContain('QUERY_TOO_DEEP');
    expect(res.data ?? null).toBeNull();
  });

  it('rejects more aliases than MAX_ALIASES with TOO_MANY_ALIASES, before any resolver runs', async () => {
    const spy = vi.spyOn(t.app.runs, 'start');
    const fields = Array.from({ length: 31 }, (_, i) => `a${i}: health { ok }`).join(' ');
    const res = await t.gql(`{ ${fields} }`);
    expect(codes(res)).toEqual(['TOO_MANY_ALIASES']);
    const mutation = Array.from(
      { length: 31 },
      (_, i) => `s${i}: startRun(graphId: "${graphId}", input: {}) { id }`,
    ).join(' ');
    expect(codes(await t.gql(`mutation { ${mutation} }`))).toEqual(['TOO_MANY_ALIASES']);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('rejects the 1,000-alias runs × events query of the fault battery at once', async () => {
    const fields = Array.from(
      { length: 1000 },
      (_, i) =>
        `r${i}: runs(first: 100) { edges { node { events(first: 100) { edges { node { seq } } } } } }`,
    ).join(' ');
    const started = Date.now();
    const res = await t.gql(`{ ${fields} }`);
    expect(codes(res)).toEqual(['TOO_MANY_TOKENS']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects nested pages whose product is too large with QUERY_TOO_COSTLY', async () => {
    const fields = Array.from(
      { length: 10 },
      (_, i) =>
        `r${i}: runs(first: 100) { edges { node { events(first: 100) { edges { node { seq } } } } } }`,
    ).join(' ');
    const res = await t.gql(`{ ${fields} }`);
    expect(codes(res)).toEqual(['QUERY_TOO_COSTLY']);
    expect(res.errors?.[0]?.extensions).toMatchObject({ maxCost: 50_000 });
  });

  it('keeps its verdict on a document only where no variable can change it', async () => {
    const heavy = Array.from(
      { length: 10 },
      (_, i) =>
        `r${i}: runs(first: 100) { edges { node { events(first: 100) { edges { node { seq } } } } } }`,
    ).join(' ');
    // The same text twice: the second answer comes from the verdict kept with the document.
    for (let i = 0; i < 2; i++)
      expect(codes(await t.gql(`{ ${heavy} }`))).toEqual(['QUERY_TOO_COSTLY']);
    const maybe = `query ($all: Boolean!) { ... @include(if: $all) { ${heavy} } }`;
    expect((await t.gql(maybe, { all: false })).errors).toBeUndefined();
    expect(codes(await t.gql(maybe, { all: true }))).toEqual(['QUERY_TOO_COSTLY']);
    expect((await t.gql(maybe, { all: false })).errors).toBeUndefined();
  });

  it('rejects first/last above MAX_PAGE_SIZE with PAGE_TOO_LARGE, literal or variable', async () => {
    const literal = await t.gql('{ runs(first: 1000000) { edges { node { id } } } }');
    expect(codes(literal)).toEqual(['PAGE_TOO_LARGE']);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ field: 'Query.runs', max: 1000 });
    const variable = await t.gql('query ($n: Int) { graphs(last: $n) { edges { node { id } } } }', {
      n: 1001,
    });
    expect(codes(variable)).toEqual(['PAGE_TOO_LARGE']);
    // The same document with an allowed value passes: the check is not cached per document.
    const fine = await t.gql('query ($n: Int) { graphs(last: $n) { edges { node { id } } } }', {
      n: 5,
    });
    expect(fine.errors).toBeUndefined();
  });

  it('rejects a document with too many tokens with TOO_MANY_TOKENS', async () => {
    const res = await t.gql(`{ ${'__typename '.repeat(5001)} }`);
    expect(codes(res)).toEqual(['TOO_MANY_TOKENS']);
  });

  it('rejects too many directives with TOO_MANY_DIRECTIVES', async () => {
    const res = await t.gql(`{ health { ok ${'@include(if: true) '.repeat(51)} } }`);
    expect(codes(res)).toContain('TOO_MANY_DIRECTIVES');
  });

  it('does not suggest field names', async () => {
    const res = await t.gql('{ rnus(first: 1) { edges { node { id } } } }');
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const badEnum = await t.gql(
      'query ($s: RunStatus) { runs(status: $s) { edges { node { id } } } }',
      {
        s: 'FAILD',
      },
    );
    expect(badEnum.errors?.[0]?.message).toBeDefined();
    expect(badEnum.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('passes the GraphiQL tabs and its introspection query under the defaults', async () => {
    const tab = (name: string) => GRAPHIQL_TABS.find((t) => t.name === name)!.query;
    const graphs = await t.gql(tab('Graphs'));
    expect(graphs.errors).toBeUndefined();
    const started = await t.ok<{ startRun: { id: string } }>(tab('Start'), { graphId });
    const run = await t.gql(tab('Read'), { runId: started.startRun.id });
    expect(run.errors).toBeUndefined();
    expect((await t.gql(getIntrospectionQuery())).errors).toBeUndefined();
  });

  it('answers introspection by default outside production', async () => {
    expect((await t.gql('{ __schema { queryType { name } } }')).errors).toBeUndefined();
  });
});

describe('limits configuration', () => {
  it('turns introspection off when NODE_ENV=production, on again with INTROSPECTION=on', () => {
    expect(loadLimits({}).introspection).toBe(true);
    expect(loadLimits({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadLimits({ NODE_ENV: 'production', INTROSPECTION: 'on' }).introspection).toBe(true);
    expect(loadLimits({ INTROSPECTION: 'off' }).introspection).toBe(false);
  });

  it('reads every limit and refuses origins it cannot compare', () => {
    const limits = loadLimits({
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      MAX_BODY_BYTES: '10',
      MAX_DEPTH: '3',
      MAX_PAGE_SIZE: '100',
    });
    expect(limits).toMatchObject({
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
      maxBodyBytes: 10,
      maxDepth: 3,
      maxPageSize: 100,
    });
    expect(() => loadLimits({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadLimits({ CORS_ORIGINS: 'https://a.example/app' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadLimits({ MAX_PAGE_SIZE: '5000' })).toThrow(/MAX_PAGE_SIZE/);
  });

  it('refuses introspection with INTROSPECTION_DISABLED, and serves no GraphiQL', async () => {
    const off = await createTestApp({ env: { INTROSPECTION: 'off', SEED_EXAMPLES: 'false' } });
    try {
      const res = await off.gql('{ __schema { types { name } } }');
      expect(new Set(codes(res))).toEqual(new Set(['INTROSPECTION_DISABLED']));
      expect((await off.gql('{ health { ok } }')).errors).toBeUndefined();
      const page = await off.app.yoga.fetch('http://test/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    } finally {
      await off.close();
    }
  });

  it('applies a lower MAX_PAGE_SIZE from the environment', async () => {
    const small = await createTestApp({ env: { MAX_PAGE_SIZE: '100', SEED_EXAMPLES: 'false' } });
    try {
      expect(codes(await small.gql('{ runs(first: 101) { edges { node { id } } } }'))).toEqual([
        'PAGE_TOO_LARGE',
      ]);
      expect(
        (await small.gql('{ runs(first: 100) { edges { node { id } } } }')).errors,
      ).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});

describe('browser protections', () => {
  it('does not run a mutation posted as an urlencoded form (CSRF)', async () => {
    const spy = vi.spyOn(t.app.runs, 'start');
    const res = await post(new URLSearchParams({ query: START(graphId) }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(codes((await res.json()) as GqlResult)).toEqual(['CSRF_HEADER_REQUIRED']);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('does not run a mutation posted as multipart/form-data (CSRF)', async () => {
    const spy = vi.spyOn(t.app.runs, 'start');
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: START(graphId) }));
    form.set('map', '{}');
    const res = await t.app.yoga.fetch('http://test/graphql', { method: 'POST', body: form });
    expect(res.status).toBe(403);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('does not run a text/plain POST (a simple request too)', async () => {
    const res = await post(JSON.stringify({ query: START(graphId) }), {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(403);
  });

  it('refuses a mutation over GET, even with the CSRF header', async () => {
    const spy = vi.spyOn(t.app.runs, 'start');
    const url = `http://test/graphql?query=${encodeURIComponent(START(graphId))}`;
    const res = await t.app.yoga.fetch(url, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(res.status).toBe(405);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('answers a GET query that carries the CSRF header', async () => {
    const url = `http://test/graphql?query=${encodeURIComponent('{ health { ok } }')}`;
    const res = await t.app.yoga.fetch(url, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(res.status).toBe(200);
  });

  it('gives a foreign origin no CORS headers, on preflight or on a simple request', async () => {
    const preflight = await t.app.yoga.fetch('http://test/graphql', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const simple = await post(JSON.stringify({ query: '{ health { ok } }' }), {
      'content-type': 'application/json',
      origin: 'https://evil.example',
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows the origins in CORS_ORIGINS, with credentials', async () => {
    const app = await createTestApp({
      env: { CORS_ORIGINS: 'https://a.example,https://b.example', SEED_EXAMPLES: 'false' },
    });
    try {
      const preflight = await app.app.yoga.fetch('http://test/graphql', {
        method: 'OPTIONS',
        headers: { origin: 'https://b.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://b.example');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await app.app.yoga.fetch('http://test/graphql', {
        method: 'OPTIONS',
        headers: { origin: 'https://c.example', 'access-control-request-method': 'POST' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
