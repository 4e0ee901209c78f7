import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/engine/errors.js';
import type { Condition } from '../../../src/engine/graph/compiled.js';
import {
  compileCondition,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
} from '../../../src/engine/graph/condition.js';
import type { State } from '../../../src/engine/graph.js';

function compile(source: string): Condition {
  const result = compileCondition(source);
  if (!result.ok) throw new Error(`expected ${source} to compile: ${result.message}`);
  return result.condition;
}

function compileError(source: string): { message: string; position?: number } {
  const result = compileCondition(source);
  if (result.ok) throw new Error(`expected ${source} to be rejected`);
  return result;
}

function evalError(source: string, state: State): EngineError {
  try {
    compile(source).evaluate(state);
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error(`expected ${source} to throw`);
}

describe('compileCondition: evaluation', () => {
  it('returns true and false from a comparison', () => {
    const c = compile('state.quality_score < 70');
    expect(c.source).toBe('state.quality_score < 70');
    expect(c.evaluate({ quality_score: 65 })).toBe(true);
    expect(c.evaluate({ quality_score: 75 })).toBe(false);
  });

  it.each([
    ['state.quality_score < 70', 65, true],
    ['state.quality_score < 70', 65.5, true],
    ['state.quality_score < 70.0', 65, true],
    ['state.quality_score < 70.0', 65.5, true],
    ['state.quality_score < 70', 70, false],
    ['state.quality_score < 70.0', 70.5, false],
    ['state.quality_score == 70', 70, true],
    ['state.quality_score == 70.0', 70, true],
    ['state.quality_score >= 69.9', 70, true],
  ])('compares JS numbers with CEL ints and doubles: %s with %s', (source, value, expected) => {
    expect(compile(source).evaluate({ quality_score: value })).toBe(expected);
  });

  it('does mixed int/double arithmetic on JSON numbers', () => {
    expect(compile('state.count + 1 == 4').evaluate({ count: 3 })).toBe(true);
    expect(compile('state.count + 1 == 4').evaluate({ count: 3.5 })).toBe(false);
    expect(compile('state.score * 1.5 > 90').evaluate({ score: 65 })).toBe(true);
    expect(compile('state.score * 1.5 > 90').evaluate({ score: 55 })).toBe(false);
    expect(compile('state.x / 2 == 1.25').evaluate({ x: 2.5 })).toBe(true);
    expect(compile('state.n % 2 == 0').evaluate({ n: 4 })).toBe(true);
    expect(compile('state.n % 2 == 0').evaluate({ n: 3 })).toBe(false);
  });

  it('handles integers beyond 2^53 as doubles', () => {
    expect(compile('state.big > 1000').evaluate({ big: 2 ** 60 })).toBe(true);
  });

  it('reads nested objects, lists and sizes', () => {
    const state = { review: { score: 9, tags: ['a', 'b'] }, issues: [{ severity: 3 }] };
    expect(compile('state.review.score >= 8').evaluate(state)).toBe(true);
    expect(compile('size(state.review.tags) == 2').evaluate(state)).toBe(true);
    expect(compile('"b" in state.review.tags').evaluate(state)).toBe(true);
    expect(compile('state.issues.exists(i, i.severity > 2)').evaluate(state)).toBe(true);
    expect(compile('state.issues.all(i, i.severity > 5)').evaluate(state)).toBe(false);
    expect(compile('size(state) == 2').evaluate(state)).toBe(true);
  });

  it('supports has() for optional keys', () => {
    const c = compile('has(state.feedback) && state.feedback.done');
    expect(c.evaluate({})).toBe(false);
    expect(c.evaluate({ feedback: { done: true } })).toBe(true);
    expect(compile('!has(state.x)').evaluate({ x: 0 })).toBe(false);
  });

  it('ignores unrelated state values that CEL cannot represent', () => {
    const state = { a: 2, fn: () => 1 } as unknown as State;
    expect(compile('state.a > 1').evaluate(state)).toBe(true);
  });

  it('treats a JSON key named __proto__ as a plain key and does not mutate the state', () => {
    const state = JSON.parse('{"m": {"__proto__": {"x": 1}, "n": 5}}') as State;
    const before = JSON.stringify(state);
    expect(compile('state.m.n == 5 && size(state.m) == 2').evaluate(state)).toBe(true);
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('compileCondition: compile-time errors', () => {
  it('reports a syntax error with its position', () => {
    const err = compileError('state.x > ');
    expect(err.position).toBe(10);
    expect(err.message).toMatch(/position 10/);
  });

  it('reports an unknown function with its position', () => {
    const err = compileError('state.ok && frobnicate(state.x)');
    expect(err.message).toContain('frobnicate');
    expect(err.position).toBe(12);
  });

  it('reports an unknown variable', () => {
    expect(compileError('input.x > 1').message).toMatch(/Unknown variable: input/);
  });

  it('rejects an expression that is not boolean', () => {
    expect(compileError('1 + 2').message).toMatch(/boolean.*int/);
    expect(compileError('"yes"').message).toMatch(/boolean/);
  });

  it('rejects an empty expression', () => {
    expect(compileError('  ').message).toMatch(/empty/);
  });

  it('rejects a source longer than the limit', () => {
    const long = `${'state.a == 1 || '.repeat(70)}true`;
    expect(long.length).toBeGreaterThan(MAX_CONDITION_LENGTH);
    expect(compileError(long).message).toContain(String(MAX_CONDITION_LENGTH));
  });

  it('rejects nesting deeper than the limit and accepts moderate nesting', () => {
    const nest = (n: number) => `${'('.repeat(n)}state.a${')'.repeat(n)} == 1`;
    expect(compile(nest(10)).evaluate({ a: 1 })).toBe(true);
    expect(compileError(nest(MAX_CONDITION_DEPTH + 5)).message).toMatch(/maxDepth/);
  });

  it('rejects matches() in both call forms, quickly', () => {
    const started = Date.now();
    const method = compileError('state.s.matches("^(a+)+$")');
    expect(method.message).toMatch(/matches\(\) is not allowed/);
    expect(method.position).toBe(0);
    expect(compileError('state.ok && matches(state.s, "a")').position).toBe(12);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('bounds comprehension nesting', () => {
    expect(compile('state.a.all(x, state.a.exists(y, y == x))').evaluate({ a: [1, 2] })).toBe(true);
    expect(compileError('state.a.all(x, state.a.all(y, state.a.all(z, z == y)))').message).toMatch(
      /nest at most 2/,
    );
  });
});

describe('compileCondition: runtime errors', () => {
  it('throws CONDITION_FAILED on a missing key, naming the expression', () => {
    const err = evalError('state.quality_score < 70', {});
    expect(err.code).toBe('CONDITION_FAILED');
    expect(err.message).toContain('state.quality_score < 70');
    expect(err.message).toMatch(/has\(state\.key\)/);
  });

  it('throws CONDITION_FAILED on a type mismatch', () => {
    expect(evalError('state.quality_score < 70', { quality_score: 'high' }).code).toBe(
      'CONDITION_FAILED',
    );
  });

  it('throws CONDITION_FAILED when the result is not a boolean', () => {
    const err = evalError('state.flag', { flag: 5 });
    expect(err.code).toBe('CONDITION_FAILED');
    expect(err.message).toMatch(/not a boolean/);
    expect(compile('state.flag').evaluate({ flag: true })).toBe(true);
  });
});
