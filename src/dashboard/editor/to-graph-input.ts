import type { GraphDef } from '../api/types.js';

const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);

/**
 * A definition in Graph.definition's shape (what the editor shows) as GraphQL's GraphInput:
 * state becomes a list of keys, enum values are upper-case.
 */
export function toGraphInput(def: GraphDef): Record<string, unknown> {
  const { state, concurrency, nodes, ...rest } = def;
  return {
    ...rest,
    nodes: nodes.map((n) => (n.onLimit ? { ...n, onLimit: upper(n.onLimit) } : n)),
    ...(state
      ? {
          state: Object.entries(state).map(([key, s]) => ({
            key,
            ...(s.reducer ? { reducer: upper(s.reducer) } : {}),
            ...(s.default !== undefined ? { default: s.default } : {}),
          })),
        }
      : {}),
    ...(concurrency
      ? { concurrency: { ...concurrency, onConflict: upper(concurrency.onConflict) } }
      : {}),
  };
}
