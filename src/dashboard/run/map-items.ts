import type { RunEvent } from '../api/types.js';

/** A map node's items, from its MAP_ITEM_* events among the loaded ones. */
export interface MapItems {
  started: number;
  succeeded: number;
  retries: number;
  failed: number[];
}

export function mapItemsOf(events: readonly RunEvent[], nodeId: string): MapItems | null {
  const started = new Set<number>();
  const succeeded = new Set<number>();
  const failed: number[] = [];
  let retries = 0;
  for (const e of events) {
    if (e.nodeId !== nodeId || !e.type.startsWith('MAP_ITEM_')) continue;
    const index = Number(e.data.index);
    if (e.type === 'MAP_ITEM_STARTED') started.add(index);
    else if (e.type === 'MAP_ITEM_SUCCEEDED') succeeded.add(index);
    else if (e.type === 'MAP_ITEM_RETRYING') retries++;
    else if (e.type === 'MAP_ITEM_FAILED') failed.push(index);
  }
  if (started.size === 0) return null;
  return { started: started.size, succeeded: succeeded.size, retries, failed };
}
