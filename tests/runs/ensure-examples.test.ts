import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** Seeding examples over a database an older release seeded (its tools since renamed). */
describe('ensureExamples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
  });
  afterAll(() => t?.close());

  const shipped = (name: string): GraphDef => ({
    name,
    entry: 'a',
    nodes: [{ id: 'a', tool: 'set_state', config: { values: { fresh: true } } }],
    edges: [],
  });

  it('gives a stored example that no longer validates the shipped definition; keeps a valid one', async () => {
    const store = createPrismaGraphStore(t.app.db);
    const stale = {
      ...shipped('stale-example'),
      nodes: [{ id: 'a', tool: 'tool_of_old_release' }],
    };
    const ok = await store.create('g-stale', 'v-stale', {
      tenantId: 'default',
      name: 'stale-example',
      description: null,
      definition: stale,
    });
    expect(ok.ok).toBe(true);
    const edited = { ...shipped('edited-example'), description: 'my edit' };
    await t.app.graphs.create(edited);
    const written = await t.app.graphs.ensureExamples([
      shipped('stale-example'),
      shipped('edited-example'),
      shipped('new-example'),
    ]);
    expect(written).toEqual(['stale-example', 'new-example']);
    const stored = await store.getByName('default', 'stale-example');
    expect(stored?.latestVersion).toBe(2);
    expect((await store.latestVersion(stored!.id))?.definition).toEqual(shipped('stale-example'));
    const kept = await store.getByName('default', 'edited-example');
    expect(kept?.latestVersion).toBe(1);
    expect((await store.latestVersion(kept!.id))?.definition).toMatchObject({
      description: 'my edit',
    });
  });
});
