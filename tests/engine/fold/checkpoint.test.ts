import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { Execution } from '../../../src/engine/fold/execution.js';
import { applyEvent, replayEvents } from '../../../src/engine/fold/fold.js';
import { fanOutJoin, linear, loopLimitFail, runScenario } from '../../fixtures/scenarios.js';

describe('replayEvents', () => {
  it('rebuilds a finished run: status, state, seq and step count', async () => {
    const { events, graph, result } = await runScenario(fanOutJoin());
    const cp = replayEvents(graph, events);
    expect(cp.status).toBe('SUCCEEDED');
    expect(cp.state).toEqual(result.state);
    expect(cp.lastSeq).toBe(events.length);
    expect(cp.steps).toBe(5);
    expect(cp.activeTotal).toBe(0);
  });

  it('rebuilds a failed run with its error', async () => {
    const { events, graph, result } = await runScenario(loopLimitFail());
    const cp = replayEvents(graph, events);
    expect(cp.status).toBe('FAILED');
    expect(cp.error).toEqual(result.error);
  });

  it('shows what is in flight and what is due after a prefix', async () => {
    const { events, graph } = await runScenario(fanOutJoin());
    // RUN_STARTED, start started/succeeded, slow started, fast started.
    const cp = replayEvents(graph, events.slice(0, 5));
    expect([...cp.inflight].map((e) => e.node.id)).toEqual(['slow', 'fast']);
    expect(cp.peek()).toBeUndefined();
    const next = replayEvents(graph, events.slice(0, 3));
    const due = next.agenda.slice(next.agendaHead).map((i) => i.node.id);
    expect(due).toEqual(['slow', 'fast']);
    expect(next.agenda.slice(next.agendaHead).every((i) => i instanceof Execution)).toBe(true);
  });
});

describe('applyEvent', () => {
  it('rejects a gap in seq, a foreign run and events after the end', async () => {
    const { events, graph } = await runScenario(linear());
    const cp = replayEvents(graph, events.slice(0, 2));
    expect(() => applyEvent(cp, events[3]!)).toThrow(/expected seq 3/);
    expect(() => applyEvent(cp, { ...events[2]!, runId: 'other' } as RunEvent)).toThrow(
      /run "other"/,
    );
    const done = replayEvents(graph, events);
    const extra = { ...events[1]!, seq: events.length + 1 } as RunEvent;
    expect(() => applyEvent(done, extra)).toThrow(/SUCCEEDED/);
  });

  it('rejects a completion that takes an edge the node does not have', async () => {
    const { events, graph } = await runScenario(linear());
    const cp = replayEvents(graph, events.slice(0, 2));
    const bad = events[2]!;
    if (bad.type !== 'NODE_SUCCEEDED') throw new Error('expected NODE_SUCCEEDED');
    expect(() => applyEvent(cp, { ...bad, data: { ...bad.data, taken: [1] } })).toThrow(
      expect.objectContaining({ code: 'RESUME_MISMATCH' }),
    );
  });
});
