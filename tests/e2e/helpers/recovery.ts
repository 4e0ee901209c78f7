import { expect } from 'vitest';
import { countPerNode, expectContiguous, expectEachSucceededOnce, timeline } from './events.js';
import { type EventView, type RunView, storedEvents } from './gql.js';
import type { ChainGraph } from './graphs.js';
import type { ServerProcess } from './spawn-server.js';

/**
 * What a run of a `delayChain` graph that was interrupted (killed or stopped) and then resumed
 * must look like: finished SUCCEEDED with one gap-free log that extends what was stored before
 * the interruption, every node succeeded exactly once (so the final state is that of an
 * uninterrupted run), and nodes that had succeeded before were not started again.
 */
export async function expectResumedCleanly(opts: {
  url: string;
  run: RunView;
  graph: ChainGraph;
  /** The events stored before the interruption (a snapshot taken while the run was running). */
  before: readonly EventView[];
  /** Nodes that succeeded before the first interruption: each must have started exactly once. */
  firstBefore?: readonly EventView[];
  /** How many times the run was interrupted (default 1). */
  interruptions?: number;
}): Promise<EventView[]> {
  const { run, graph, before } = opts;
  expect(run.status, `run ${run.id}: ${JSON.stringify(run.error)}`).toBe('SUCCEEDED');
  const events = await storedEvents(opts.url, run.id);
  expectContiguous(events);
  expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
  // What was stored before the interruption is kept as it was.
  expect(timeline(events.slice(0, before.length))).toEqual(timeline(before));
  expect(events.filter((e) => e.type === 'RUN_STARTED')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('RUN_SUCCEEDED');
  expectEachSucceededOnce(events, graph.nodeIds);

  // Nodes that had succeeded before the interruption were not run again: no node has an event
  // after its NODE_SUCCEEDED (a chain runs each node once).
  const doneBefore = new Set(
    Object.keys(countPerNode(opts.firstBefore ?? before, 'NODE_SUCCEEDED')),
  );
  expect(doneBefore.size).toBeGreaterThan(0);
  const succeededAt = new Map<string, number>();
  for (const e of events) {
    if (!e.nodeId) continue;
    const doneAt = succeededAt.get(e.nodeId);
    expect(doneAt, `${e.nodeId} ran again after succeeding (seq ${e.seq} ${e.type})`).toBe(
      undefined,
    );
    if (e.type === 'NODE_SUCCEEDED') succeededAt.set(e.nodeId, e.seq);
  }
  const started = countPerNode(events, 'NODE_STARTED');
  for (const node of doneBefore) expect(started[node], `${node} started again`).toBe(1);
  // A chain has one node in flight: each interruption may cut off (and so restart) that one.
  const interruptions = opts.interruptions ?? 1;
  const restarted = Object.entries(started).filter(([, n]) => n > 1);
  expect(restarted.length).toBeLessThanOrEqual(interruptions);
  for (const [, n] of restarted) expect(n).toBeLessThanOrEqual(1 + interruptions);

  expect(run.state?.visited).toEqual(graph.visited);
  expect(run.state?.counter).toBe(graph.counter);
  expect(run.state?.done).toBe(true);
  return events;
}

/** Awaits `promise`; if it fails, the servers' logs are added to the error. */
export async function withLogs<T>(
  servers: readonly ServerProcess[],
  promise: Promise<T>,
): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    const logs = servers.map((s) => `--- ${s.name} (port ${s.port}) ---\n${s.output()}`);
    if (err instanceof Error) err.message += `\n${logs.join('\n')}`;
    throw err;
  }
}

/** Sum of the `count` of every "resumed runs" line a server logged (JSON lines or text). */
export function resumedCount(server: ServerProcess): number {
  let total = 0;
  for (const line of server.lines) {
    if (line.startsWith('{')) {
      const entry = JSON.parse(line) as { msg?: string; count?: number };
      if (entry.msg === 'resumed runs') total += entry.count ?? 0;
      continue;
    }
    const at = line.indexOf('resumed runs {');
    if (at < 0) continue;
    const fields = JSON.parse(line.slice(at + 'resumed runs '.length)) as { count: number };
    total += fields.count;
  }
  return total;
}
