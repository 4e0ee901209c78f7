/**
 * Reducers: how one contribution folds into a state key's value. `reduce` is the incremental step
 * (new contribution last); `reduceAll` folds a whole ordered list in one pass (no O(n^2) copies).
 */
import { EngineError } from '../errors.js';
import type { ReducerName } from '../graph.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** The error for a value the key's reducer cannot fold. */
function invalid(key: string, reducer: ReducerName, value: unknown, nodeId: string): EngineError {
  const wants = reducer === 'merge' ? 'an object' : 'a finite number';
  return new EngineError(
    'INVALID_PATCH',
    `State key "${key}" uses reducer "${reducer}", which needs ${wants}, but node "${nodeId}" gave ${typeName(value)}; return ${wants} for "${key}" or change its reducer`,
    nodeId,
    { key, reducer },
  );
}

/** Checks a patch value (and the key's current value) against the reducer; undefined when fine. */
export function checkValue(
  reducer: ReducerName,
  key: string,
  current: unknown,
  value: unknown,
  nodeId: string,
): EngineError | undefined {
  switch (reducer) {
    case 'replace':
    case 'append':
      return undefined;
    case 'merge':
      if (!isPlainObject(value)) return invalid(key, reducer, value, nodeId);
      if (current !== undefined && !isPlainObject(current)) {
        return invalid(key, reducer, current, nodeId);
      }
      return undefined;
    default:
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return invalid(key, reducer, value, nodeId);
      }
      if (current !== undefined && (typeof current !== 'number' || !Number.isFinite(current))) {
        return invalid(key, reducer, current, nodeId);
      }
      return undefined;
  }
}

/**
 * Object.assign for a shallow merge, except that an own `__proto__` key (JSON.parse makes them)
 * is copied as a plain own key instead of changing `target`'s prototype.
 */
function assignOwn(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (source === undefined || source === null) return target;
  if (!Object.hasOwn(source, '__proto__')) return Object.assign(target, source);
  for (const key of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[key];
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return target;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `current` folded with one more (checked) contribution. Never mutates its arguments. */
export function reduce(reducer: ReducerName, current: unknown, value: unknown): unknown {
  switch (reducer) {
    case 'replace':
      return value;
    case 'append':
      return asArray(current).concat(Array.isArray(value) ? value : [value]);
    case 'merge':
      return assignOwn(assignOwn({}, current), value);
    case 'sum':
      return ((current as number | undefined) ?? 0) + (value as number);
    case 'max':
      return current === undefined ? value : Math.max(current as number, value as number);
    case 'min':
      return current === undefined ? value : Math.min(current as number, value as number);
  }
}

/** `base` folded with `values` in order, in one pass. */
export function reduceAll(
  reducer: ReducerName,
  base: unknown,
  values: readonly unknown[],
): unknown {
  if (reducer === 'append') {
    const out = asArray(base).slice();
    for (const v of values) {
      if (Array.isArray(v)) for (const item of v) out.push(item);
      else out.push(v);
    }
    return out;
  }
  if (reducer === 'merge') {
    const out = assignOwn({}, base);
    for (const v of values) assignOwn(out, v);
    return out;
  }
  let acc = base;
  for (const v of values) acc = reduce(reducer, acc, v);
  return acc;
}
