import { expect } from 'vitest';
import type { EventView } from './gql.js';

/** `seq:TYPE:node` lines: what to compare when two views of one log must be identical. */
export function timeline(events: ReadonlyArray<Pick<EventView, 'seq' | 'type' | 'nodeId'>>) {
  return events.map((e) => `${e.seq}:${e.type}${e.nodeId ? `:${e.nodeId}` : ''}`);
}

/** seq runs 1..n with no gap and no repeat. */
export function expectContiguous(events: ReadonlyArray<Pick<EventView, 'seq'>>): void {
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
}

/** How many events of `type` each node has. */
export function countPerNode(
  events: ReadonlyArray<Pick<EventView, 'type' | 'nodeId'>>,
  type: string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    if (e.type === type && e.nodeId) counts[e.nodeId] = (counts[e.nodeId] ?? 0) + 1;
  }
  return counts;
}

/** Every node in `nodeIds` succeeded exactly once, and no other node did. */
export function expectEachSucceededOnce(
  events: ReadonlyArray<Pick<EventView, 'type' | 'nodeId'>>,
  nodeIds: readonly string[],
): void {
  expect(countPerNode(events, 'NODE_SUCCEEDED')).toEqual(
    Object.fromEntries(nodeIds.map((id) => [id, 1])),
  );
}
