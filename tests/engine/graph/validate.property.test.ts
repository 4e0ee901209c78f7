import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphIssueCode } from '../../../src/engine/errors.js';
import { compileGraph } from '../../../src/engine/graph/compile.js';
import type { CompiledGraph } from '../../../src/engine/graph/compiled.js';
import { validateGraph } from '../../../src/engine/graph/validate.js';
import type { EdgeDef, GraphDef, NodeDef } from '../../../src/engine/graph.js';
import { codeReviewGraph, tools } from '../graph-fixtures.js';

const CODES: readonly GraphIssueCode[] = [
  'INVALID_SHAPE',
  'DUPLICATE_NODE_ID',
  'UNKNOWN_TOOL',
  'UNKNOWN_NODE',
  'MISSING_ENTRY',
  'UNKNOWN_ENTRY',
  'UNREACHABLE_NODE',
  'UNCONDITIONAL_CYCLE',
  'UNBOUNDED_CYCLE',
  'INVALID_CONFIG',
  'INVALID_CONDITION',
  'UNKNOWN_REDUCER',
  'RESERVED_STATE_KEY',
];

function expectOnlyIssues(def: unknown): void {
  const issues = validateGraph(def, tools);
  expect(Array.isArray(issues)).toBe(true);
  for (const issue of issues) {
    expect(CODES).toContain(issue.code);
    expect(typeof issue.path).toBe('string');
    expect(issue.path.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  const result = compileGraph(def, tools);
  expect(result.ok).toBe(issues.length === 0);
}

/** Forward edges of a compiled graph must form a DAG: the executor's joins rely on it. */
function forwardEdgesAreAcyclic(g: CompiledGraph): boolean {
  const indegree = g.nodes.map((n) => n.inForward.length);
  const queue = g.nodes.filter((n) => n.inForward.length === 0);
  let seen = 0;
  while (queue.length > 0) {
    const node = queue.pop()!;
    seen++;
    for (const e of node.out) {
      if (e.isBack) continue;
      indegree[e.to.index]!--;
      if (indegree[e.to.index] === 0) queue.push(e.to);
    }
  }
  return seen === g.nodes.length;
}

const toolName = fc.constantFrom(
  'extract_functions',
  'check_complexity',
  'suggest_improvements',
  'noop',
);
const condition = fc.constantFrom('state.x > 1', 'has(state.y)', 'state.score < 70.0', 'true');

/** n nodes; node j > 0 gets an edge from a random earlier node, so all are reachable. */
function reachableGraph(extraEdge: (n: number) => fc.Arbitrary<[number, number]>) {
  return fc.integer({ min: 1, max: 15 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      tools: fc.array(toolName, { minLength: n, maxLength: n }),
      parents: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      extra: fc.array(extraEdge(n), { maxLength: 2 * n }),
      whens: fc.array(fc.option(condition, { nil: undefined }), {
        minLength: 3 * n,
        maxLength: 3 * n,
      }),
    }),
  );
}

function buildDef(
  spec: {
    n: number;
    tools: string[];
    parents: number[];
    extra: [number, number][];
    whens: (string | undefined)[];
  },
  nodeExtra: Partial<NodeDef>,
  forceWhen: boolean,
  acyclic = false,
): GraphDef {
  const nodes: NodeDef[] = spec.tools.map((tool, i) => ({ id: `n${i}`, tool, ...nodeExtra }));
  const pairs: [number, number][] = [];
  for (let j = 1; j < spec.n; j++) pairs.push([spec.parents[j]! % j, j]);
  pairs.push(...spec.extra.filter(([from, to]) => !acyclic || from < to));
  const edges: EdgeDef[] = pairs.map(([from, to], i) => {
    const when = forceWhen ? (spec.whens[i] ?? 'state.x > 1') : spec.whens[i];
    return when === undefined
      ? { from: `n${from}`, to: `n${to}` }
      : { from: `n${from}`, to: `n${to}`, when };
  });
  return { name: 'random', nodes, edges, entry: 'n0' };
}

describe('validateGraph properties', () => {
  it('never throws on arbitrary values, only returns issues', () => {
    fc.assert(fc.property(fc.anything(), expectOnlyIssues), { numRuns: 300 });
  });

  it('never throws on arbitrary JSON shaped like a graph', () => {
    const loose = fc.record(
      {
        name: fc.jsonValue(),
        nodes: fc.array(
          fc.record(
            {
              id: fc.jsonValue(),
              tool: fc.oneof(toolName, fc.jsonValue()),
              config: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
        edges: fc.array(
          fc.record(
            { from: fc.jsonValue(), to: fc.jsonValue(), when: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
        entry: fc.jsonValue(),
        state: fc.dictionary(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(loose, expectOnlyIssues), { numRuns: 150 });
  });

  it('never throws on mutated valid graphs', () => {
    const paths: (string | number)[][] = [
      ['name'],
      ['entry'],
      ['nodes'],
      ['nodes', 0, 'id'],
      ['nodes', 1, 'tool'],
      ['nodes', 1, 'config'],
      ['nodes', 1, 'config', 'threshold'],
      ['nodes', 1, 'retry'],
      ['nodes', 1, 'retry', 'maxAttempts'],
      ['nodes', 2, 'maxIterations'],
      ['nodes', 2],
      ['edges', 0, 'from'],
      ['edges', 1, 'to'],
      ['edges', 2, 'when'],
      ['edges', 2],
      ['state', 'issues', 'reducer'],
      ['state', 'issues'],
    ];
    const mutation = fc.tuple(
      fc.constantFrom(...paths),
      fc.option(fc.jsonValue(), { nil: undefined }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const def = codeReviewGraph() as unknown as Record<string | number, unknown>;
        for (const [path, value] of mutations) {
          let target: unknown = def;
          for (const key of path.slice(0, -1)) {
            target = (target as Record<string | number, unknown> | null)?.[key];
          }
          if (typeof target !== 'object' || target === null) continue;
          const last = path[path.length - 1]!;
          if (value === undefined) delete (target as Record<string | number, unknown>)[last];
          else (target as Record<string | number, unknown>)[last] = value;
        }
        expectOnlyIssues(def);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every reachable DAG and compiles it without back edges', () => {
    // [min, max] of two picks: a forward edge, or a self pair that buildDef drops for DAGs.
    const forward = (n: number) =>
      fc
        .tuple(fc.nat(n - 1), fc.nat(n - 1))
        .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]);
    fc.assert(
      fc.property(reachableGraph(forward), (spec) => {
        const def = buildDef(spec, {}, false, true);
        expect(validateGraph(def, tools)).toEqual([]);
        const result = compileGraph(def, tools);
        if (!result.ok) throw new Error('expected a valid DAG');
        expect(result.graph.edges.every((e) => !e.isBack)).toBe(true);
        for (const node of result.graph.nodes) {
          expect(node.inForward.length).toBe(def.edges.filter((e) => e.to === node.id).length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('accepts guarded, bounded cyclic graphs and their forward edges form a DAG', () => {
    const any = (n: number) => fc.tuple(fc.nat(n - 1), fc.nat(n - 1));
    fc.assert(
      fc.property(reachableGraph(any), (spec) => {
        const def = buildDef(spec, { maxIterations: 3 }, true);
        const result = compileGraph(def, tools);
        if (!result.ok) throw new Error(JSON.stringify(result.issues));
        expect(forwardEdgesAreAcyclic(result.graph)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a cycle without conditions whatever else the graph holds', () => {
    const any = (n: number) => fc.tuple(fc.nat(n - 1), fc.nat(n - 1));
    fc.assert(
      fc.property(reachableGraph(any), fc.nat(), (spec, pick) => {
        const def = buildDef(spec, { maxIterations: 3 }, true);
        // Add an unconditional self-loop on some node.
        const node = def.nodes[pick % def.nodes.length]!;
        def.edges.push({ from: node.id, to: node.id });
        const codes = validateGraph(def, tools).map((i) => i.code);
        expect(codes).toContain('UNCONDITIONAL_CYCLE');
      }),
      { numRuns: 100 },
    );
  });
});
