import { describe, expect, it } from 'vitest';
import { Execution, isAncestor } from '../../../src/engine/fold/execution.js';
import { reduce, reduceAll } from '../../../src/engine/fold/reducers.js';
import { StateStore } from '../../../src/engine/fold/state.js';
import type { CompiledNode } from '../../../src/engine/graph/compiled.js';
import type { ReducerName } from '../../../src/engine/graph.js';

const node = (index: number): CompiledNode => ({ index, id: `n${index}` }) as CompiledNode;
const exec = (index: number, step: number, parents: Execution[] = [], iteration = 1) =>
  new Execution(node(index), iteration, step, parents);

function apply(store: StateStore, e: Execution, patch: Record<string, unknown>) {
  const err = store.plan(e, patch);
  if (err !== undefined) throw err;
  store.commit(e, patch);
}

describe('reducers', () => {
  it('fold one contribution', () => {
    expect(reduce('replace', 1, 2)).toBe(2);
    expect(reduce('append', undefined, 'a')).toEqual(['a']);
    expect(reduce('append', ['a'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(reduce('append', 'x', 'y')).toEqual(['x', 'y']);
    expect(reduce('merge', { a: 1, b: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(reduce('sum', undefined, 2)).toBe(2);
    expect(reduce('sum', 1, 2)).toBe(3);
    expect(reduce('max', 3, 2)).toBe(3);
    expect(reduce('min', 3, 2)).toBe(2);
  });

  it('fold a list in one pass like repeated single folds', () => {
    const cases: [ReducerName, unknown, unknown[]][] = [
      ['append', ['x'], ['a', ['b', 'c'], 'd']],
      ['merge', { a: 0 }, [{ a: 1 }, { b: 2 }, { a: 3 }]],
      ['sum', 1, [2, 3, 4]],
      ['max', undefined, [2, 7, 4]],
      ['min', undefined, [2, 7, 1]],
      ['replace', 0, [1, 2]],
    ];
    for (const [reducer, base, values] of cases) {
      expect(reduceAll(reducer, base, values)).toEqual(
        values.reduce((acc, v) => reduce(reducer, acc, v), base),
      );
    }
  });

  it('never mutate their inputs', () => {
    const list = ['a'];
    const obj = { a: 1 };
    reduce('append', list, 'b');
    reduce('merge', obj, { b: 2 });
    reduceAll('append', list, ['c']);
    expect(list).toEqual(['a']);
    expect(obj).toEqual({ a: 1 });
  });
});

describe('StateStore', () => {
  const reducers: Record<string, ReducerName> = { log: 'append', total: 'sum', meta: 'merge' };

  it('orders contributions by (step, node index, iteration), whatever the arrival order', () => {
    const store = new StateStore(reducers, { log: ['base'] });
    const a = exec(2, 2);
    const b = exec(1, 2);
    const c = exec(0, 3);
    const d = exec(1, 2, [], 2);
    for (const e of [c, a, d, b])
      apply(store, e, { log: e.node.id + e.iteration, meta: { k: e.node.id } });
    expect(store.state).toEqual({ log: ['base', 'n11', 'n12', 'n21', 'n01'], meta: { k: 'n0' } });
  });

  it('leaves the state untouched until commit, and on a rejected plan', () => {
    const store = new StateStore(reducers, { total: 1 });
    const before = store.state;
    const e = exec(0, 1);
    expect(store.plan(e, { total: 2 })).toBeUndefined();
    expect(store.plannedState).toEqual({ total: 3 });
    expect(store.state).toBe(before);
    expect(store.plan(e, { total: 'x' })).toMatchObject({ code: 'INVALID_PATCH' });
    expect(store.state).toBe(before);
    expect(before).toEqual({ total: 1 });
  });

  it('reports concurrent replace writes as STATE_CONFLICT naming the key and both nodes', () => {
    const store = new StateStore({}, {});
    const root = exec(0, 1);
    const left = exec(1, 2, [root]);
    const right = exec(2, 2, [root]);
    apply(store, root, { x: 0 });
    apply(store, left, { x: 1 });
    const err = store.plan(right, { x: 2 });
    expect(err).toMatchObject({
      code: 'STATE_CONFLICT',
      nodeId: 'n2',
      details: { key: 'x', nodes: ['n1', 'n2'] },
    });
    expect(err?.message).toContain('"x"');
    expect(store.state).toEqual({ x: 1 });
  });

  it('lets a descendant replace what its ancestor wrote, through a long chain', () => {
    const store = new StateStore({}, {});
    const first = exec(0, 1);
    apply(store, first, { x: 'first' });
    let last = first;
    for (let i = 2; i <= 5_000; i++) last = exec(i % 7, i, [last]);
    apply(store, last, { x: 'last' });
    expect(store.state).toEqual({ x: 'last' });
  });

  it('finds ancestry through joins and rejects unrelated executions', () => {
    const root = exec(0, 1);
    const a = exec(1, 2, [root]);
    const b = exec(2, 2, [root]);
    const join = exec(3, 3, [a, b]);
    const after = exec(4, 4, [join]);
    expect(isAncestor(a, after, 1)).toBe(true);
    expect(isAncestor(root, after, 2)).toBe(true);
    expect(isAncestor(a, b, 3)).toBe(false);
    expect(isAncestor(after, a, 4)).toBe(false);
  });

  it('compacts old contributions and still inserts late ones in order', () => {
    const store = new StateStore(reducers, {});
    for (let step = 1; step <= 200; step++) apply(store, exec(1, step), { log: step });
    store.compact(150);
    expect(store.needsCompaction).toBe(false);
    // Sorts before step 160's contribution (node 0 < node 1), after step 159's.
    apply(store, exec(0, 160), { log: 'late' });
    const expected: unknown[] = Array.from({ length: 200 }, (_, i) => i + 1);
    expected.splice(159, 0, 'late');
    expect(store.state.log).toEqual(expected);
  });
});
