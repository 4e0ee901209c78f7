import { NonRetryableError } from '../engine/errors.js';
import type { State } from '../engine/graph.js';

/** Reads a required string from the state, or fails for good with a message naming the key. */
export function requireString(state: Readonly<State>, key: string, tool: string): string {
  const value = state[key];
  if (typeof value !== 'string') {
    throw new NonRetryableError(
      `${tool} needs a string in state.${key}, got ${describe(value)}: pass it in the run input or set it in an earlier node`,
    );
  }
  return value;
}

/** Reads an optional string from the state, falling back when it is absent. */
export function optionalString(
  state: Readonly<State>,
  key: string,
  tool: string,
  fallback: string,
): string {
  const value = state[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') {
    throw new NonRetryableError(
      `${tool} needs state.${key} to be a string, got ${describe(value)}`,
    );
  }
  return value;
}

/** Reads a required array from the state. */
export function requireArray(state: Readonly<State>, key: string, tool: string): unknown[] {
  const value = state[key];
  if (!Array.isArray(value)) {
    throw new NonRetryableError(
      `${tool} needs an array in state.${key}, got ${describe(value)}: run the node that produces it first`,
    );
  }
  return value;
}

/** Reads a required plain object from the state. */
export function requireObject(
  state: Readonly<State>,
  key: string,
  tool: string,
): Record<string, unknown> {
  const value = state[key];
  if (!isRecord(value)) {
    throw new NonRetryableError(
      `${tool} needs an object in state.${key}, got ${describe(value)}: run the node that produces it first`,
    );
  }
  return value;
}

/** Reads an optional array: absent gives [], anything else that is not an array fails. */
export function optionalArray(state: Readonly<State>, key: string, tool: string): unknown[] {
  const value = state[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new NonRetryableError(
      `${tool} needs state.${key} to be an array, got ${describe(value)}`,
    );
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
