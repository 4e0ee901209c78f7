import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardRoute } from '../../src/server/dashboard.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** The dashboard's static route: its pages, its assets, nothing else, with a strict CSP. */
describe('dashboard route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aef-dash-'));
  let server: Server;
  let base: string;
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    const route = createDashboardRoute(dir);
    server = createServer((req, res) =>
      route.matches(req.url) ? route.handle(req, res) : res.writeHead(418).end(),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html for / and the app routes, with a same-origin CSP', async () => {
    for (const path of [
      '/',
      '/graphs',
      '/graphs/g1',
      '/runs?status=FAILED',
      '/runs/r1',
      '/tools',
      '/editor/g1',
    ]) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('id="root"');
    }
    const res = await fetch(`${base}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves hashed assets with long caching, and nothing outside its folder', async () => {
    const js = await fetch(`${base}/assets/index-abc.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    // Raw paths (fetch would normalise them): never outside the folder.
    const raw = (path: string) =>
      new Promise<number>((resolve) =>
        get({ host: '127.0.0.1', port: new URL(base).port, path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }),
      );
    expect(await raw('/assets/..')).toBe(418);
    expect(await raw('/assets/../../package.json')).toBe(418);
    // Not the dashboard's: left to the next handler (Yoga in the app).
    for (const path of ['/graphql', '/health', '/assets/a/b.js', '/package.json', '/graphsx'])
      expect((await fetch(base + path)).status, path).toBe(418);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/`, { method: 'HEAD' })).status).toBe(200);
  });

  it('says how to build it when the dashboard is not built', async () => {
    const route = createDashboardRoute(join(dir, 'nowhere'));
    const other = createServer((req, res) => route.handle(req, res));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/runs`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
    await new Promise((r) => other.close(r));
  });
});

describe('the app with the dashboard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
    await t.listen();
  });
  afterAll(async () => t?.close());

  it('answers / with the dashboard (or how to build it) and keeps /graphql working', async () => {
    const origin = t.url.replace('/graphql', '');
    expect([200, 503]).toContain((await fetch(`${origin}/`)).status);
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { ok } }' }),
    });
    expect(await res.json()).toEqual({ data: { health: { ok: true } } });
  });

  it('serves GraphiQL with its assets inline: no CDN, the tour as tabs', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|esm\.sh|<script[^>]+src="https?:/);
    expect(html).toContain('mutation Save');
    expect(html).toContain('subscription Follow');
  });

  it('validates a definition without saving it, every issue with its path', async () => {
    const query = 'query ($d: JSON!) { validateGraph(definition: $d) { path code message } }';
    const valid = {
      name: 'v',
      entry: 'a',
      nodes: [{ id: 'a', tool: 'increment', config: { key: 'n' } }],
      edges: [],
    };
    expect(await t.ok(query, { d: valid })).toEqual({ validateGraph: [] });
    const invalid = { ...valid, entry: 'z', nodes: [...valid.nodes, { id: 'b', tool: 'nope' }] };
    const { validateGraph } = await t.ok<{ validateGraph: Array<{ path: string; code: string }> }>(
      query,
      { d: invalid },
    );
    expect(validateGraph.map((i) => [i.path, i.code])).toEqual(
      expect.arrayContaining([
        ['nodes[1].tool', 'UNKNOWN_TOOL'],
        ['entry', expect.any(String)],
      ]),
    );
    const { graphs } = await t.ok<{ graphs: { edges: unknown[] } }>(
      '{ graphs { edges { cursor } } }',
    );
    expect(graphs.edges).toEqual([]);
  });
});
