import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { replayEvents } from '../../../src/engine/fold/fold.js';
import { compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import type { CompiledGraph } from '../../../src/engine/graph/compiled.js';
import type { EdgeDef, GraphDef, NodeDef, Patch, State } from '../../../src/engine/graph.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import type { Tool, ToolContext } from '../../../src/engine/tool.js';

const anyConfig = { safeParse: (value: unknown) => ({ success: true as const, data: value }) };
const STATE = {
  log: { reducer: 'append' },
  total: { reducer: 'sum' },
  meta: { reducer: 'merge' },
  best: { reducer: 'max' },
  low: { reducer: 'min' },
} as const;

/** A node's patch depends only on who it is, never on timing. */
function patchOf(ctx: ToolContext<unknown>): Patch {
  const idx = Number(ctx.nodeId.slice(1));
  const counter = `c_${ctx.nodeId}`;
  const current = ctx.state[counter];
  return {
    log: `${ctx.nodeId}.${ctx.iteration}`,
    total: idx + ctx.iteration / 4,
    meta: { [ctx.nodeId]: ctx.iteration, last: ctx.nodeId },
    best: (idx * 7) % 11,
    low: (idx * 5) % 13,
    [counter]: (typeof current === 'number' ? current : 0) + 1,
  };
}

interface Calls {
  list: string[];
}

function compile(def: GraphDef, calls: Calls, scheduler?: fc.Scheduler): CompiledGraph {
  const tool: Tool = {
    name: 'node',
    description: 'deterministic patch',
    config: anyConfig,
    run: (ctx) => {
      calls.list.push(`${ctx.nodeId}:${ctx.iteration}`);
      const patch = patchOf(ctx);
      return scheduler === undefined ? patch : scheduler.schedule(Promise.resolve(patch));
    },
  };
  return compileGraphOrThrow(def, { get: () => tool });
}

async function run(graph: CompiledGraph, input: State, history?: RunEvent[]) {
  const sink = createMemorySink();
  const result = await executeRun({ runId: 'p', graph, sink, input, history });
  return { result, events: sink.events };
}

/** start -> branches (chains of 1..3 nodes, some behind a condition on the input) -> join -> tail. */
const fanOutGraph = fc
  .record({
    chains: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 5 }),
    guarded: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    flags: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  })
  .map(({ chains, guarded, flags }) => {
    const nodes: NodeDef[] = [{ id: 'n0', tool: 'node' }];
    const edges: EdgeDef[] = [];
    const ends: string[] = [];
    chains.forEach((length, b) => {
      let prev = 'n0';
      for (let i = 0; i < length; i++) {
        const id = `n${nodes.length}`;
        nodes.push({ id, tool: 'node' });
        edges.push(
          i === 0 && guarded[b]
            ? { from: prev, to: id, when: `state.f${b}` }
            : { from: prev, to: id },
        );
        prev = id;
      }
      ends.push(prev);
    });
    const join = `n${nodes.length}`;
    nodes.push({ id: join, tool: 'node' });
    for (const end of ends) edges.push({ from: end, to: join });
    const tail = `n${nodes.length}`;
    nodes.push({ id: tail, tool: 'node' });
    edges.push({ from: join, to: tail });
    const input = Object.fromEntries(flags.map((f, i) => [`f${i}`, f]));
    const def: GraphDef = { name: 'fan', state: { ...STATE }, nodes, edges, entry: 'n0' };
    return { def, input };
  });

/** A random DAG (edges i -> j, i < j, every node reachable), some edges guarded, maybe a self-loop on the last node. */
const dagGraph = fc
  .integer({ min: 2, max: 8 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      parents: fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
      extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.option(fc.nat(4))), {
        maxLength: 10,
      }),
      loop: fc.option(fc.integer({ min: 2, max: 4 })),
      flags: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    }),
  )
  .map(({ n, parents, extra, loop, flags }) => {
    const nodes: NodeDef[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, tool: 'node' }));
    const seen = new Set<string>();
    const edges: EdgeDef[] = [];
    const add = (from: number, to: number, flag: number | null) => {
      if (from >= to || seen.has(`${from}>${to}`)) return;
      seen.add(`${from}>${to}`);
      edges.push(
        flag === null
          ? { from: `n${from}`, to: `n${to}` }
          : { from: `n${from}`, to: `n${to}`, when: `state.f${flag}` },
      );
    };
    parents.forEach((p, j) => {
      add(p % (j + 1), j + 1, null);
    });
    for (const [a, b, flag] of extra) add(Math.min(a, b), Math.max(a, b), flag);
    if (loop !== null) {
      const last = nodes[n - 1]!;
      last.maxIterations = loop;
      edges.push({ from: last.id, to: last.id, when: `state.c_${last.id} < ${loop}` });
    }
    const input = Object.fromEntries(flags.map((f, i) => [`f${i}`, f]));
    const def: GraphDef = { name: 'dag', state: { ...STATE }, nodes, edges, entry: 'n0' };
    return { def, input };
  });

describe('executor properties', () => {
  it('gives the same final state whatever order concurrent tools finish in', async () => {
    await fc.assert(
      fc.asyncProperty(fanOutGraph, fc.scheduler(), async ({ def, input }, s) => {
        const reference = await run(compile(def, { list: [] }), input);
        expect(reference.result.status).toBe('SUCCEEDED');
        const graph = compile(def, { list: [] }, s);
        const shuffled = await s.waitFor(run(graph, input));
        expect(shuffled.result.status).toBe('SUCCEEDED');
        expect(shuffled.result.state).toEqual(reference.result.state);
      }),
      { numRuns: 150 },
    );
  });

  it('resumes from any cut point of a log to the same final state, re-running no success', async () => {
    await fc.assert(
      fc.asyncProperty(dagGraph, fc.nat(), async ({ def, input }, at) => {
        const full = await run(compile(def, { list: [] }), input);
        expect(full.result.status).toBe('SUCCEEDED');
        const cut = 1 + (at % (full.events.length - 1));
        const history = full.events.slice(0, cut);
        const calls: Calls = { list: [] };
        const graph = compile(def, calls);
        const resumed = await run(graph, {}, history);
        expect(resumed.result.state).toEqual(full.result.state);
        expect(resumed.events.map((e) => e.seq)).toEqual(resumed.events.map((_, i) => cut + 1 + i));
        const succeeded = new Set(
          history.flatMap((e) =>
            e.type === 'NODE_SUCCEEDED' ? [`${e.nodeId}:${e.data.iteration}`] : [],
          ),
        );
        for (const call of calls.list) expect(succeeded.has(call)).toBe(false);
        const whole = replayEvents(graph, [...history, ...resumed.events]);
        expect(whole.status).toBe('SUCCEEDED');
        expect(whole.state).toEqual(full.result.state);
      }),
      { numRuns: 300 },
    );
  });
});
