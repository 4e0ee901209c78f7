import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineError } from '../../../src/engine/errors.js';
import { createMemorySink } from '../../../src/engine/events.js';
import { compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import type { Condition } from '../../../src/engine/graph/compiled.js';
import { compileCondition } from '../../../src/engine/graph/condition.js';
import { DEFAULT_CONDITION_BUDGET } from '../../../src/engine/graph/condition-budget.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import { isRetryable } from '../../../src/engine/live/retry.js';
import type { Tool } from '../../../src/engine/tool.js';
import { resolverOf } from '../graph-fixtures.js';

const NESTED = 'state.xs.all(a, state.xs.exists(b, a == b))';
const list = (n: number) => Array.from({ length: n }, (_, i) => i);

function compile(source: string): Condition {
  const result = compileCondition(source);
  if (!result.ok) throw new Error(result.message);
  return result.condition;
}

function budgetError(run: () => unknown): EngineError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected CONDITION_BUDGET_EXCEEDED');
}

describe('condition work budget', () => {
  it('evaluates nested comprehensions over small lists', () => {
    expect(compile(NESTED).evaluate({ xs: list(100) })).toBe(true);
  });

  it('refuses nested comprehensions over a 3,000-item list before iterating, saying what to do', () => {
    const err = budgetError(() => compile(NESTED).evaluate({ xs: list(3000) }));
    expect(err.code).toBe('CONDITION_BUDGET_EXCEEDED');
    expect(err.message).toContain('budget 100,000');
    expect(err.message).toContain('compute the result in a tool');
    expect(isRetryable(err)).toBe(false);
  });

  it('counts `in` over a list inside a comprehension as a nested loop', () => {
    const c = compile('state.xs.exists(a, a in state.ys)');
    expect(() => c.evaluate({ xs: list(10), ys: list(10) })).not.toThrow();
    expect(budgetError(() => c.evaluate({ xs: list(1000), ys: list(1000) })).code).toBe(
      'CONDITION_BUDGET_EXCEEDED',
    );
  });

  it('measures lists nested inside state values too', () => {
    const c = compile('state.doc.items.all(a, state.doc.items.all(b, a <= b || a > b))');
    const err = budgetError(() => c.evaluate({ doc: { items: list(2000) } }));
    expect(err.code).toBe('CONDITION_BUDGET_EXCEEDED');
  });

  it('takes the budget per evaluation, and leaves conditions without loops alone', () => {
    // 2 loops x 400^2 = 320,000: over the default budget, within this one.
    expect(() => compile(NESTED).evaluate({ xs: list(400) })).toThrow(/budget 100,000/);
    expect(compile(NESTED).evaluate({ xs: list(400) }, 1_000_000)).toBe(true);
    expect(() => compile('state.xs.exists(a, a == 1)').evaluate({ xs: list(50) }, 10)).toThrow(
      /budget 10/,
    );
    expect(compile('size(state.xs) > 0').evaluate({ xs: list(DEFAULT_CONDITION_BUDGET * 2) })).toBe(
      true,
    );
  });

  it('fails the run with CONDITION_BUDGET_EXCEEDED on the edge, without retrying', async () => {
    const fill: Tool<unknown> = {
      name: 'fill',
      description: 'puts a list in the state',
      config: z.object({}),
      run: () => ({ xs: list(400) }),
    };
    const graph = compileGraphOrThrow(
      {
        name: 'g',
        nodes: [
          { id: 'a', tool: 'fill', retry: { maxAttempts: 3, initialDelayMs: 0 } },
          { id: 'b', tool: 'fill' },
        ],
        edges: [{ from: 'a', to: 'b', when: NESTED }],
        entry: 'a',
      },
      resolverOf([fill]),
    );
    const sink = createMemorySink();
    const result = await executeRun({ runId: 'r', graph, sink });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ code: 'CONDITION_BUDGET_EXCEEDED', nodeId: 'a' });
    expect(result.error?.message).toContain('edges[0]');
    expect(sink.events.filter((e) => e.type === 'NODE_RETRYING')).toHaveLength(0);
    const wide = await executeRun({
      runId: 'r2',
      graph,
      sink: createMemorySink(),
      conditionBudget: 1_000_000,
    });
    expect(wide.status).toBe('SUCCEEDED');
  });
});
