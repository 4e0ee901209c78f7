import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemorySink, type RunEvent } from '../../src/engine/events.js';
import type { GraphDef } from '../../src/engine/graph.js';
import {
  compileGraph,
  compileGraphOrThrow,
  executeRun,
  validateGraph,
} from '../../src/engine/index.js';
import { createToolRegistry, defineTool } from '../../src/tools/index.js';

const seen: Array<Record<string, unknown>> = [];
const echo = defineTool({
  name: 'echo_input',
  description: 'Returns its input',
  run: ({ input }) => {
    seen.push({ ...input });
    return { ...input };
  },
});
const scalar = defineTool({
  name: 'scalar',
  description: 'Returns a non-object value built from its input',
  run: ({ input }) => `got ${String(input.n)}` as unknown as Record<string, unknown>,
});
const typed = defineTool({
  name: 'typed',
  description: 'Declares an input schema',
  input: z.strictObject({ path: z.string(), count: z.number().int().default(1) }),
  run: ({ input }) => ({ result: { file: { path: input.path, count: input.count } } }),
});
const tools = createToolRegistry([echo, scalar, typed]);

async function run(def: GraphDef, input: Record<string, unknown> = {}, history?: RunEvent[]) {
  const graph = compileGraphOrThrow(def, tools);
  const sink = createMemorySink();
  const result = await executeRun({
    runId: 'r1',
    graph,
    sink,
    input,
    ...(history ? { history } : {}),
  });
  return { result, events: sink.events };
}

describe('node inputs and output', () => {
  it('rejects bad inputs and outputs at save time with a path and position', () => {
    const issues = validateGraph(
      {
        name: 'bad',
        nodes: [
          {
            id: 'a',
            tool: 'echo_input',
            inputs: { ok: 'state.x + 1', bad: 'state.x +', re: 'state.s.matches("a+")' },
          },
          { id: 'b', tool: 'echo_input', output: '__proto__' },
          { id: 'c', tool: 'echo_input', output: { y: 'a..b', z: 'constructor' } },
        ],
        edges: [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
        ],
        entry: 'a',
      },
      tools,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'nodes[0].inputs.bad',
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/Syntax error.*position/),
        }),
        expect.objectContaining({
          path: 'nodes[0].inputs.re',
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/matches\(\).*position 0/),
        }),
        expect.objectContaining({ path: 'nodes[1].output', code: 'INVALID_OUTPUT' }),
        expect.objectContaining({ path: 'nodes[2].output.y', code: 'INVALID_OUTPUT' }),
        expect.objectContaining({ path: 'nodes[2].output.z', code: 'INVALID_OUTPUT' }),
      ]),
    );
    expect(issues.some((i) => i.path === 'nodes[0].inputs.ok')).toBe(false);
  });

  it('accepts <server>.<tool> names in nodes and reports a resolver reason for unknown ones', () => {
    const reg = createToolRegistry([]).explainMissing((n) =>
      n.startsWith('fs.') ? 'server fs failed' : undefined,
    );
    const issues = validateGraph(
      { name: 'g', nodes: [{ id: 'a', tool: 'fs.read_file' }], edges: [], entry: 'a' },
      reg,
    );
    expect(issues).toEqual([
      { path: 'nodes[0].tool', code: 'UNKNOWN_TOOL', message: 'server fs failed' },
    ]);
  });

  it('evaluates inputs against the state (ints as numbers, maps and lists as JSON) into ctx.input', async () => {
    seen.length = 0;
    const { result } = await run(
      {
        name: 'g',
        nodes: [
          {
            id: 'a',
            tool: 'echo_input',
            inputs: {
              n: 'state.x + 1',
              half: 'state.x / 2.0',
              m: '{"k": [state.x, state.x * 2]}',
              s: 'state.name + "!"',
            },
            output: { out: '' },
          },
        ],
        edges: [],
        entry: 'a',
      },
      { x: 3, name: 'bob' },
    );
    expect(seen).toEqual([{ n: 4, half: 1.5, m: { k: [3, 6] }, s: 'bob!' }]);
    expect(result.state.out).toEqual({ n: 4, half: 1.5, m: { k: [3, 6] }, s: 'bob!' });
  });

  it('places the result with output: a whole value under a key, paths through reducers', async () => {
    const { result, events } = await run({
      name: 'g',
      nodes: [
        { id: 'a', tool: 'scalar', inputs: { n: '1' }, output: 'log' },
        { id: 'b', tool: 'scalar', inputs: { n: '2' }, output: 'log' },
        {
          id: 'c',
          tool: 'typed',
          inputs: { path: '"/tmp/x"' },
          output: { file: 'result.file.path', count: 'result.file.count', missing: 'result.nope' },
        },
        { id: 'd', tool: 'echo_input' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'd' },
      ],
      entry: 'a',
      state: { log: { reducer: 'append', default: [] }, count: { reducer: 'sum', default: 10 } },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toEqual({ log: ['got 1', 'got 2'], file: '/tmp/x', count: 11 });
    const patches = events
      .filter((e) => e.type === 'NODE_SUCCEEDED')
      .map((e) => (e.data as { patch: unknown }).patch);
    expect(patches[0]).toEqual({ log: 'got 1' });
    // A tool without output keeps returning its patch (d: empty input -> empty patch).
    expect(patches[3]).toEqual({});
  });

  it('fails the node with INVALID_INPUT (not retried) when the input does not fit the schema or the expression fails', async () => {
    const bad = await run({
      name: 'g',
      nodes: [{ id: 'a', tool: 'typed', inputs: { path: '42' }, retry: { maxAttempts: 3 } }],
      edges: [],
      entry: 'a',
    });
    expect(bad.result.status).toBe('FAILED');
    expect(bad.result.error).toMatchObject({
      code: 'INVALID_INPUT',
      nodeId: 'a',
      message: expect.stringContaining('inputs.path'),
    });
    expect(bad.events.filter((e) => e.type === 'NODE_STARTED')).toHaveLength(1);
    const missing = await run({
      name: 'g',
      nodes: [{ id: 'a', tool: 'echo_input', inputs: { v: 'state.nope.deep' } }],
      edges: [],
      entry: 'a',
    });
    expect(missing.result.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('[inputs.v]'),
    });
  });

  it('applies the condition work budget to inputs', async () => {
    const graph = compileGraphOrThrow(
      {
        name: 'g',
        nodes: [
          {
            id: 'a',
            tool: 'echo_input',
            inputs: { v: 'state.xs.map(a, state.xs.filter(b, b > a).size())' },
          },
        ],
        edges: [],
        entry: 'a',
      },
      tools,
    );
    const sink = createMemorySink();
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const result = await executeRun({
      runId: 'r',
      graph,
      sink,
      input: { xs },
      conditionBudget: 10_000,
    });
    expect(result.error).toMatchObject({ code: 'CONDITION_BUDGET_EXCEEDED' });
  });

  it('resumes from every cut point to the same state, never re-evaluating finished nodes', async () => {
    const def: GraphDef = {
      name: 'g',
      nodes: [
        { id: 'a', tool: 'scalar', inputs: { n: 'state.x' }, output: 'log' },
        {
          id: 'b',
          tool: 'typed',
          inputs: { path: 'string(state.x)', count: 'size(state.log)' },
          output: { count: 'result.file.count' },
        },
      ],
      edges: [{ from: 'a', to: 'b' }],
      entry: 'a',
      state: { log: { reducer: 'append', default: [] }, count: { reducer: 'sum', default: 0 } },
    };
    const full = await run(def, { x: 5 });
    expect(full.result.state).toEqual({ x: 5, log: ['got 5'], count: 1 });
    for (let cut = 1; cut < full.events.length; cut++) {
      const resumed = await run(def, { x: 5 }, full.events.slice(0, cut));
      expect(resumed.result.state, `cut ${cut}`).toEqual(full.result.state);
    }
    expect(compileGraph(def, tools).ok).toBe(true);
  });
});
