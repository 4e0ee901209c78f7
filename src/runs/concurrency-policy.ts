import { createHash } from 'node:crypto';
import { type CompiledGraph, EngineError, type State } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { ConcurrencyRule } from './concurrency.js';
import { stableJson } from './idempotency.js';

/**
 * A new run's concurrency rule from its graph's policy: the key expression (compiled when the
 * graph was saved) evaluated on the run input, scoped to the graph. A long value is hashed.
 */
export function concurrencyOfGraph(
  graphId: string,
  graph: CompiledGraph,
  input: State,
): ConcurrencyRule | null {
  const policy = graph.concurrency;
  if (!policy) return null;
  let value: unknown;
  try {
    value = policy.key.evaluate(input);
  } catch (err) {
    const why = err instanceof EngineError || err instanceof Error ? err.message : String(err);
    throw new AppError(
      'BAD_USER_INPUT',
      `The graph's concurrency key "${graph.def.concurrency?.key}" could not be evaluated on this input (${why}); give the input the fields it reads.`,
    );
  }
  const text = stableJson(value);
  const scoped =
    text.length > 200 ? `sha256:${createHash('sha256').update(text).digest('hex')}` : text;
  return { key: `graph:${graphId}:${scoped}`, onConflict: policy.onConflict };
}
