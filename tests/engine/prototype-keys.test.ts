import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemorySink } from '../../src/engine/events.js';
import { reduce, reduceAll } from '../../src/engine/fold/reducers.js';
import { compileGraph, compileGraphOrThrow } from '../../src/engine/graph/compile.js';
import { compileCondition } from '../../src/engine/graph/condition.js';
import type { GraphDef, Patch, State } from '../../src/engine/graph.js';
import { executeRun } from '../../src/engine/live/executor.js';
import type { Tool } from '../../src/engine/tool.js';
import { resolverOf, tools } from './graph-fixtures.js';

/** A tool that returns the patch parsed from JSON (so `__proto__` is an own key, as on the wire). */
function jsonTool(json: string): Tool<unknown> {
  return {
    name: 'json_patch',
    description: 'returns a parsed JSON patch',
    config: z.object({}),
    run: () => JSON.parse(json) as Patch,
  };
}

function oneNode(state: GraphDef['state'], tool = 'json_patch'): GraphDef {
  return { name: 'g', state, nodes: [{ id: 'n', tool }], edges: [], entry: 'n' };
}

async function runPatch(json: string, state?: GraphDef['state'], input?: State) {
  const graph = compileGraphOrThrow(oneNode(state), resolverOf([jsonTool(json)]));
  const sink = createMemorySink();
  const result = await executeRun({ runId: 'r', graph, sink, input });
  return { result, events: sink.events };
}

describe('reserved state keys: validation', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses a declared state key "${key}" with a path`, () => {
      const def = JSON.parse(
        `{"name":"g","state":{"${key}":{"reducer":"merge"}},"nodes":[{"id":"n","tool":"noop"}],"edges":[],"entry":"n"}`,
      );
      const result = compileGraph(def, tools);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues).toContainEqual({
        path: `state.${key}`,
        code: 'RESERVED_STATE_KEY',
        message: expect.stringContaining(`"${key}" is reserved`),
      });
    });
  }

  it('refuses a condition that reads a reserved key, by field or by literal index', () => {
    for (const source of ['state.constructor == 1', 'state["__proto__"] == 1']) {
      const result = compileCondition(source);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('is reserved');
    }
  });
});

describe('reserved state keys: at run time', () => {
  it('fails a patch key "__proto__" with INVALID_PATCH and never changes a prototype', async () => {
    const { result } = await runPatch('{"__proto__":{"polluted":true}}');
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ code: 'INVALID_PATCH', nodeId: 'n' });
    expect(Object.getPrototypeOf(result.state)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails a patch key "constructor" with INVALID_PATCH naming the key', async () => {
    const { result } = await runPatch('{"constructor":5}');
    expect(result.error?.code).toBe('INVALID_PATCH');
    expect(result.error?.message).toContain('"constructor"');
  });

  it('refuses run input with a reserved key before any event', async () => {
    const graph = compileGraphOrThrow(oneNode(undefined), resolverOf([jsonTool('{}')]));
    const sink = createMemorySink();
    const input = JSON.parse('{"__proto__":{"x":1}}') as State;
    await expect(executeRun({ runId: 'r', graph, sink, input })).rejects.toMatchObject({
      code: 'INVALID_PATCH',
    });
    expect(sink.events).toHaveLength(0);
  });

  it('sums and merges keys whose names Object.prototype also has, from their own value', async () => {
    const state = {
      hasOwnProperty: { reducer: 'sum' as const },
      toString: { reducer: 'merge' as const },
    };
    const { result } = await runPatch('{"hasOwnProperty":2,"toString":{"a":1}}', state);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toEqual({ hasOwnProperty: 2, toString: { a: 1 } });
  });

  it('merges a value with an own "__proto__" key as a plain key, not a prototype', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
    for (const merged of [reduce('merge', { b: 2 }, value), reduceAll('merge', {}, [value])]) {
      const out = merged as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(out.polluted).toBeUndefined();
      expect(Object.hasOwn(out, '__proto__')).toBe(true);
    }
  });

  it('never reads an inherited member as a key value in a condition', () => {
    const compiled = compileCondition('has(state.toString)');
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.condition.evaluate({})).toBe(false);
  });
});
