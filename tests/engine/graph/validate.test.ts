import { describe, expect, it } from 'vitest';
import { EngineError, GraphInvalidError, type GraphIssue } from '../../../src/engine/errors.js';
import { compileGraph, compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import type { CompiledGraph } from '../../../src/engine/graph/compiled.js';
import { validateGraph } from '../../../src/engine/graph/validate.js';
import type { GraphDef } from '../../../src/engine/graph.js';
import type { ToolResolver } from '../../../src/engine/tool.js';
import { codeReviewGraph, tools } from '../graph-fixtures.js';

const summary = (issues: GraphIssue[]) => issues.map((i) => `${i.code} ${i.path}`);

function graph(partial: Partial<GraphDef>): GraphDef {
  return {
    name: 'g',
    nodes: [
      { id: 'a', tool: 'noop' },
      { id: 'b', tool: 'noop' },
    ],
    edges: [{ from: 'a', to: 'b' }],
    entry: 'a',
    ...partial,
  };
}

function compiled(def: GraphDef): CompiledGraph {
  const result = compileGraph(def, tools);
  if (!result.ok) throw new Error(summary(result.issues).join('\n'));
  return result.graph;
}

describe('validateGraph', () => {
  it('accepts the code-review loop', () => {
    expect(validateGraph(codeReviewGraph(), tools)).toEqual([]);
  });

  it('INVALID_SHAPE: reports non-objects at the root', () => {
    for (const bad of [null, 42, 'graph', [], undefined]) {
      expect(summary(validateGraph(bad, tools))).toEqual(['INVALID_SHAPE (root)']);
    }
  });

  it('INVALID_SHAPE: maps zod issues to paths, typos included', () => {
    const def = graph({
      nodes: [
        { id: 'a', tool: 'noop', retry: { maxAttempts: 0 } },
        { id: 'b', tool: 'noop', maxIteration: 3 } as never,
      ],
    });
    expect(summary(validateGraph(def, tools))).toEqual([
      'INVALID_SHAPE nodes[0].retry.maxAttempts',
      'INVALID_SHAPE nodes[1].maxIteration',
    ]);
  });

  it('INVALID_SHAPE: rejects bad ids and too many nodes without a flood of follow-ups', () => {
    expect(
      summary(validateGraph(graph({ nodes: [{ id: '1 a', tool: 'noop' }] }), tools)),
    ).toContain('INVALID_SHAPE nodes[0].id');
    const nodes = Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, tool: 'noop' }));
    expect(summary(validateGraph(graph({ nodes, edges: [], entry: 'n0' }), tools))).toEqual([
      'INVALID_SHAPE nodes',
    ]);
  });

  it('DUPLICATE_NODE_ID', () => {
    const def = graph({
      nodes: [
        { id: 'a', tool: 'noop' },
        { id: 'b', tool: 'noop' },
        { id: 'a', tool: 'noop' },
      ],
    });
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['DUPLICATE_NODE_ID nodes[2].id']);
    expect(issues[0]?.message).toContain('nodes[0]');
  });

  it('UNKNOWN_TOOL', () => {
    const def = graph({
      nodes: [
        { id: 'a', tool: 'noop' },
        { id: 'b', tool: 'no_such_tool' },
      ],
    });
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['UNKNOWN_TOOL nodes[1].tool']);
    expect(issues[0]?.message).toContain('no_such_tool');
  });

  it('UNKNOWN_NODE on either end of an edge', () => {
    const def = graph({
      edges: [
        { from: 'a', to: 'b' },
        { from: 'ghost', to: 'b' },
        { from: 'a', to: 'zz' },
      ],
    });
    expect(summary(validateGraph(def, tools))).toEqual([
      'UNKNOWN_NODE edges[1].from',
      'UNKNOWN_NODE edges[2].to',
    ]);
  });

  it('MISSING_ENTRY when entry is absent or empty', () => {
    const { entry: _, ...noEntry } = graph({});
    expect(summary(validateGraph(noEntry, tools))).toEqual(['MISSING_ENTRY entry']);
    expect(summary(validateGraph(graph({ entry: '' }), tools))).toEqual(['MISSING_ENTRY entry']);
  });

  it('UNKNOWN_ENTRY without flagging every node unreachable', () => {
    expect(summary(validateGraph(graph({ entry: 'nope' }), tools))).toEqual([
      'UNKNOWN_ENTRY entry',
    ]);
  });

  it('UNREACHABLE_NODE', () => {
    const def = graph({
      nodes: [
        { id: 'a', tool: 'noop' },
        { id: 'b', tool: 'noop' },
        { id: 'island', tool: 'noop' },
      ],
    });
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['UNREACHABLE_NODE nodes[2]']);
    expect(issues[0]?.message).toMatch(/"island".*entry "a"/);
  });

  it('UNCONDITIONAL_CYCLE, self-loops included', () => {
    const loop = graph({
      nodes: [
        { id: 'a', tool: 'noop', maxIterations: 3 },
        { id: 'b', tool: 'noop' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    });
    const issues = validateGraph(loop, tools);
    expect(summary(issues)).toEqual(['UNCONDITIONAL_CYCLE edges[0]']);
    expect(issues[0]?.message).toContain('a -> b -> a');
    const self = graph({
      nodes: [{ id: 'a', tool: 'noop', maxIterations: 3 }],
      edges: [{ from: 'a', to: 'a' }],
    });
    expect(summary(validateGraph(self, tools))).toEqual(['UNCONDITIONAL_CYCLE edges[0]']);
  });

  it('UNCONDITIONAL_CYCLE hidden in a component that also has a guarded cycle', () => {
    const def = graph({
      nodes: [
        { id: 'a', tool: 'noop', maxIterations: 3 },
        { id: 'b', tool: 'noop' },
        { id: 'c', tool: 'noop' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a', when: 'state.again' },
        { from: 'b', to: 'a' },
      ],
    });
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['UNCONDITIONAL_CYCLE edges[0]']);
    expect(issues[0]?.message).toContain('a -> b -> a');
  });

  it('UNBOUNDED_CYCLE, with a message that says how to fix it', () => {
    const def = codeReviewGraph();
    delete def.nodes[2]!.maxIterations;
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['UNBOUNDED_CYCLE nodes[0]']);
    expect(issues[0]?.message).toContain(
      'add maxIterations to a node of the cycle extract -> complexity -> suggest -> extract',
    );
  });

  it('reports one UNBOUNDED_CYCLE per component, and one per disjoint component', () => {
    const def = graph({
      nodes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, tool: 'noop' })),
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a', when: 'state.x' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'b', when: 'state.y' },
        { from: 'c', to: 'd' },
        { from: 'd', to: 'e' },
        { from: 'e', to: 'd', when: 'state.z' },
      ],
    });
    expect(summary(validateGraph(def, tools))).toEqual([
      'UNBOUNDED_CYCLE nodes[0]',
      'UNBOUNDED_CYCLE nodes[3]',
    ]);
  });

  it('INVALID_CONFIG with the field path', () => {
    const def = codeReviewGraph();
    def.nodes[1]!.config = { threshold: -1, strict: 'yes' };
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual([
      'INVALID_CONFIG nodes[1].config.threshold',
      'INVALID_CONFIG nodes[1].config.strict',
    ]);
    expect(issues[0]?.message).toContain('check_complexity');
  });

  it('INVALID_CONDITION with the position in the message', () => {
    const def = codeReviewGraph();
    def.edges[2]!.when = 'state.quality_score <';
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['INVALID_CONDITION edges[2].when']);
    expect(issues[0]?.message).toMatch(/position 21/);
  });

  it('UNKNOWN_REDUCER', () => {
    const def = codeReviewGraph();
    def.state = { issues: { reducer: 'concat' as never } };
    const issues = validateGraph(def, tools);
    expect(summary(issues)).toEqual(['UNKNOWN_REDUCER state.issues.reducer']);
    expect(issues[0]?.message).toContain('append');
  });

  it('reports several problems at once, shape problems included', () => {
    const def = {
      name: '',
      nodes: [
        { id: 'a', tool: 'nope' },
        { id: 'a', tool: 'check_complexity', config: { threshold: 'high' } },
        { id: 'c', tool: 'noop', timeoutMs: -5 },
      ],
      edges: [
        { from: 'a', to: 'x' },
        { from: 'c', to: 'c', when: 'state.n >' },
      ],
      state: { k: { reducer: 'nope' } },
    };
    expect(summary(validateGraph(def, tools))).toEqual([
      'INVALID_SHAPE name',
      'INVALID_SHAPE nodes[2].timeoutMs',
      'UNKNOWN_TOOL nodes[0].tool',
      'DUPLICATE_NODE_ID nodes[1].id',
      'INVALID_CONFIG nodes[1].config.threshold',
      'UNKNOWN_NODE edges[0].to',
      'INVALID_CONDITION edges[1].when',
      'MISSING_ENTRY entry',
      'UNBOUNDED_CYCLE nodes[2]',
      'UNKNOWN_REDUCER state.k.reducer',
    ]);
  });

  it('never throws, even when the tool resolver does', () => {
    const broken: ToolResolver = {
      get: () => {
        throw new Error('registry down');
      },
    };
    const issues = validateGraph(codeReviewGraph(), broken);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('registry down');
  });
});

describe('compileGraph', () => {
  it('marks the loop edge as a back edge and builds inForward / inBack', () => {
    const g = compiled(codeReviewGraph());
    expect(g.edges.map((e) => e.isBack)).toEqual([false, false, true]);
    const extract = g.byId.get('extract')!;
    expect(g.entry).toBe(extract);
    expect(extract.inForward).toEqual([]);
    expect(extract.inBack.map((e) => e.index)).toEqual([2]);
    expect(g.byId.get('complexity')!.inForward.map((e) => e.index)).toEqual([0]);
    expect(g.byId.get('suggest')!.out.map((e) => e.to.id)).toEqual(['extract']);
    expect(g.nodes.map((n) => n.index)).toEqual([0, 1, 2]);
  });

  it('picks back edges by DFS in definition order', () => {
    // b and c point at each other; which edge closes the cycle depends on which is reached first.
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, tool: 'noop', maxIterations: 2 }));
    const abFirst = compiled(
      graph({
        nodes,
        edges: [
          { from: 'a', to: 'b' },
          { from: 'a', to: 'c' },
          { from: 'b', to: 'c', when: 'state.x' },
          { from: 'c', to: 'b', when: 'state.y' },
        ],
      }),
    );
    expect(abFirst.edges.map((e) => e.isBack)).toEqual([false, false, false, true]);
    const acFirst = compiled(
      graph({
        nodes,
        edges: [
          { from: 'a', to: 'c' },
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c', when: 'state.x' },
          { from: 'c', to: 'b', when: 'state.y' },
        ],
      }),
    );
    expect(acFirst.edges.map((e) => e.isBack)).toEqual([false, false, true, false]);
  });

  it('gives a join every forward incoming edge', () => {
    const g = compiled(
      graph({
        nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id, tool: 'noop' })),
        edges: [
          { from: 'a', to: 'b' },
          { from: 'a', to: 'c', when: 'state.go' },
          { from: 'b', to: 'd' },
          { from: 'c', to: 'd' },
        ],
      }),
    );
    expect(g.byId.get('d')!.inForward.map((e) => e.from.id)).toEqual(['b', 'c']);
    expect(g.byId.get('a')!.out.map((e) => e.to.id)).toEqual(['b', 'c']);
    expect(g.edges[0]!.condition).toBeUndefined();
    expect(g.edges[1]!.condition?.evaluate({ go: true })).toBe(true);
  });

  it('applies config defaults and collects reducers and defaults', () => {
    const g = compiled(codeReviewGraph());
    expect(g.byId.get('complexity')!.config).toEqual({ threshold: 12 });
    expect(g.byId.get('suggest')!.config).toEqual({ style: 'short' });
    expect(g.byId.get('extract')!.tool.name).toBe('extract_functions');
    expect(g.reducers).toEqual({ issues: 'append', score: 'replace' });
    expect(g.defaults).toEqual({ issues: [] });
  });

  it('freezes the compiled graph', () => {
    const g = compiled(codeReviewGraph());
    expect(Object.isFrozen(g)).toBe(true);
    expect(Object.isFrozen(g.nodes[0])).toBe(true);
    expect(Object.isFrozen(g.nodes[0]!.out)).toBe(true);
    expect(Object.isFrozen(g.edges[0])).toBe(true);
    expect(Object.isFrozen(g.def.nodes)).toBe(true);
  });

  it('does not freeze or alias the caller definition', () => {
    const def = codeReviewGraph();
    const g = compiled(def);
    expect(Object.isFrozen(def.nodes)).toBe(false);
    expect(g.def).not.toBe(def);
  });

  it('returns every issue, and compileGraphOrThrow throws GraphInvalidError', () => {
    const def = graph({
      entry: 'zz',
      nodes: [
        { id: 'a', tool: 'x' },
        { id: 'b', tool: 'noop' },
      ],
    });
    const result = compileGraph(def, tools);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(summary(result.issues)).toEqual(['UNKNOWN_TOOL nodes[0].tool', 'UNKNOWN_ENTRY entry']);
    }
    let thrown: unknown;
    try {
      compileGraphOrThrow(def, tools);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GraphInvalidError);
    expect((thrown as EngineError).code).toBe('GRAPH_INVALID');
    expect((thrown as GraphInvalidError).issues).toHaveLength(2);
    expect(thrown).toBeInstanceOf(EngineError);
  });
});
