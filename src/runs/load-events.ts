import type { RunEvent } from '../engine/index.js';
import type { RunStore } from './ports.js';

/** Every stored event of a run, in seq order, read in pages. */
export async function loadEvents(store: RunStore, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (;;) {
    const page = await store.listEvents(runId, events.at(-1)?.seq ?? 0, 5_000);
    events.push(...page);
    if (page.length < 5_000) return events;
  }
}
