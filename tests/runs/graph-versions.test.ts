import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphDef } from '../../src/engine/index.js';
import { AppError } from '../../src/errors.js';
import { createGraphVersions } from '../../src/runs/graph-versions.js';
import type { GraphStore, GraphVersionRecord } from '../../src/runs/ports.js';
import { createToolRegistry } from '../../src/tools/registry.js';
import { createCallLog, createFixtureTools } from '../fixtures/fixture-tools.js';
import { type Deferred, deferred } from './run-fakes.js';

const tools = createToolRegistry(createFixtureTools(createCallLog()));

const definition: GraphDef = {
  name: 'g',
  nodes: [{ id: 'a', tool: 'fx_values', config: { values: { a: 1 } } }],
  edges: [],
  entry: 'a',
};

const version = (n: number, def: GraphDef = definition): GraphVersionRecord => ({
  id: `v${n}`,
  tenantId: 'default',
  graphId: 'g',
  version: n,
  definition: def,
});

/** A graph store whose latestVersion answers only when the test says so, counting reads. */
function fakeGraphs() {
  const reads: Array<{ graphId: string; answer: Deferred<GraphVersionRecord | null> }> = [];
  const graphs = {
    latestVersion(graphId: string) {
      const answer = deferred<GraphVersionRecord | null>();
      reads.push({ graphId, answer });
      return answer.promise;
    },
  } as unknown as GraphStore;
  return { graphs, reads };
}

describe('createGraphVersions', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shares one read among concurrent latest() calls of a graph', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const a = versions.latest('g');
    const b = versions.latest('g');
    expect(reads).toHaveLength(1);
    reads[0]!.answer.resolve(version(1));
    expect(await a).toEqual(version(1));
    expect(await b).toBe(await a);
  });

  it('reads each graph on its own', () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    void versions.latest('g');
    void versions.latest('h');
    expect(reads.map((r) => r.graphId)).toEqual(['g', 'h']);
  });

  it('answers from its cache for a second, then reads again', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const first = versions.latest('g');
    reads[0]!.answer.resolve(version(1));
    await first;
    vi.advanceTimersByTime(999);
    expect(await versions.latest('g')).toEqual(version(1));
    expect(reads).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const later = versions.latest('g');
    expect(reads).toHaveLength(2);
    reads[1]!.answer.resolve(version(2));
    expect((await later).version).toBe(2);
  });

  it('reads again at once after invalidate (a save in this process)', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const first = versions.latest('g');
    reads[0]!.answer.resolve(version(1));
    await first;
    versions.invalidate('g');
    const next = versions.latest('g');
    expect(reads).toHaveLength(2);
    reads[1]!.answer.resolve(version(2));
    expect((await next).version).toBe(2);
  });

  it('throws NOT_FOUND for a graph without versions and does not cache the failure', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const a = versions.latest('gone');
    const b = versions.latest('gone'); // shares the failing read
    reads[0]!.answer.resolve(null);
    for (const p of [a, b]) {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('NOT_FOUND');
    }
    expect(reads).toHaveLength(1);
    // Within the cache window, still: the failure was dropped, so the next call reads again.
    const retry = versions.latest('gone');
    expect(reads).toHaveLength(2);
    reads[1]!.answer.resolve(version(1));
    expect((await retry).version).toBe(1);
  });

  it('does not cache a read that failed in the store', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const a = versions.latest('g');
    reads[0]!.answer.reject(new Error('database is locked'));
    await expect(a).rejects.toThrow('database is locked');
    void versions.latest('g');
    expect(reads).toHaveLength(2);
  });

  it('keeps a newer read cached when an older one invalidated in flight fails', async () => {
    const { graphs, reads } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const old = versions.latest('g');
    versions.invalidate('g');
    const fresh = versions.latest('g');
    reads[1]!.answer.resolve(version(2));
    await fresh;
    reads[0]!.answer.reject(new Error('timeout'));
    await expect(old).rejects.toThrow('timeout');
    expect((await versions.latest('g')).version).toBe(2);
    expect(reads).toHaveLength(2);
  });

  it('compiles a version once and reuses it', () => {
    const { graphs } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const a = versions.compile(version(1));
    expect(versions.compile(version(1))).toBe(a);
    expect(versions.compile(version(2))).not.toBe(a);
    expect(a.nodes.map((n) => n.id)).toEqual(['a']);
  });

  it('throws for a version that does not compile, every time', () => {
    const { graphs } = fakeGraphs();
    const versions = createGraphVersions(graphs, tools);
    const broken = version(3, { ...definition, nodes: [{ id: 'a', tool: 'no_such_tool' }] });
    for (let i = 0; i < 2; i++)
      expect(() => versions.compile(broken)).toThrow(
        expect.objectContaining({ code: 'GRAPH_INVALID' }),
      );
  });
});
