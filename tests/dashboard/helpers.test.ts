import { describe, expect, it } from 'vitest';
import { lineOf, locatePaths } from '../../src/dashboard/editor/json-locate.js';
import { diffLines, stableJson } from '../../src/dashboard/graph/diff.js';
import { stateAt } from '../../src/dashboard/run/fold-state.js';

/** The dashboard's pure parts: issue paths to lines, version diffs, the state at an event. */
describe('dashboard helpers', () => {
  const text = JSON.stringify(
    {
      name: 'g',
      nodes: [
        { id: 'a', tool: 'x' },
        { id: 'b', tool: 'y', config: { 'my key': 1 } },
      ],
      edges: [],
    },
    null,
    2,
  );

  it('finds the line of a validation path, or of its nearest parent', () => {
    const lines = locatePaths(text);
    const lineWith = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(lineOf(lines, 'nodes[1].tool')).toBe(lineWith('"y"'));
    expect(lineOf(lines, 'nodes[1].config["my key"]')).toBe(lineWith('"my key"'));
    expect(lineOf(lines, 'nodes[0].retry.maxAttempts')).toBe(lineOf(lines, 'nodes[0]'));
    expect(lineOf(lines, 'entry')).toBe(1);
    expect(lineOf(locatePaths('{"nodes": [ {"id": '), 'nodes[0].id')).toBe(1);
  });

  it('diffs two definitions by line, whatever their key order', () => {
    const lines = diffLines(stableJson({ b: 1, a: [1, 2] }), stableJson({ a: [1, 3], b: 1 }));
    expect(lines.filter((l) => l.kind === 'removed').map((l) => l.text.trim())).toEqual(['2']);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text.trim())).toEqual(['3']);
  });

  it('folds patches by the reducers up to an event; a terminal event has its own state', () => {
    const ev = (seq: number, type: string, data: Record<string, unknown>) => ({
      seq,
      type,
      data,
      nodeId: null,
      attempt: null,
      at: '',
    });
    const events = [
      ev(1, 'RUN_STARTED', { state: { n: 1, log: [] } }),
      ev(2, 'NODE_SUCCEEDED', { patch: { n: 2, log: ['a'] } }),
      ev(3, 'NODE_SUCCEEDED', { patch: { n: 5, log: ['b'] } }),
      ev(4, 'RUN_SUCCEEDED', { state: { final: true } }),
    ];
    const def = {
      name: 'g',
      entry: 'a',
      nodes: [],
      edges: [],
      state: { n: { reducer: 'sum' }, log: { reducer: 'append' } },
    };
    expect(stateAt(events, 1, def)).toEqual({ n: 1, log: [] });
    expect(stateAt(events, 3, def)).toEqual({ n: 8, log: ['a', 'b'] });
    expect(stateAt(events, 4, def)).toEqual({ final: true });
  });
});
