import { describe, expect, it } from 'vitest';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { replayEvents } from '../../../src/engine/fold/fold.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import {
  branch,
  cancellable,
  compileScenario,
  failFast,
  fanOutJoin,
  linear,
  resumable,
  retryThenSuccess,
  runScenario,
  type Scenario,
  timeline,
} from '../../fixtures/scenarios.js';

const key = (e: { nodeId: string; data: { iteration: number } }) =>
  `${e.nodeId}:${e.data.iteration}`;

async function resumeFrom(make: () => Scenario, history: readonly RunEvent[]) {
  const s = make();
  const graph = compileScenario(s);
  const sink = createMemorySink();
  const result = await executeRun({ runId: 'run-1', graph, sink, history });
  return { s, graph, result, events: sink.events };
}

describe('executeRun: resume from stored events', () => {
  it('ends with the uninterrupted final state from every cut point, re-running nothing that succeeded', async () => {
    for (const make of [resumable, fanOutJoin, branch, linear]) {
      const full = await runScenario(make());
      const fullCalls = full.events.filter((e) => e.type === 'NODE_STARTED').length;
      for (let cut = 1; cut < full.events.length; cut++) {
        const history = full.events.slice(0, cut);
        const { s, graph, result, events } = await resumeFrom(make, history);
        expect(result.status, `cut ${cut}`).toBe('SUCCEEDED');
        expect(result.state, `cut ${cut}`).toEqual(full.result.state);
        // seq continues with no gap or duplicate.
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => cut + 1 + i));
        expect(result.lastSeq).toBe(cut + events.length);
        // Succeeded executions are never re-run.
        const succeeded = new Set(
          history.flatMap((e) => (e.type === 'NODE_SUCCEEDED' ? [key(e)] : [])),
        );
        for (const call of s.log.calls) {
          expect(succeeded.has(`${call.nodeId}:${call.iteration}`), `cut ${cut}`).toBe(false);
        }
        expect(s.log.calls).toHaveLength(fullCalls - succeeded.size);
        // The whole log (stored + new) replays to the same end.
        const cp = replayEvents(graph, [...history, ...events]);
        expect(cp.status).toBe('SUCCEEDED');
        expect(cp.state).toEqual(full.result.state);
      }
    }
  });

  it('re-runs interrupted nodes first, with the same attempt and idempotency key', async () => {
    const full = await runScenario(resumable());
    const cuts = full.events.flatMap((e, i) => (e.type === 'NODE_STARTED' ? [i + 1] : []));
    expect(cuts.length).toBeGreaterThan(5);
    for (const cut of cuts) {
      const history = full.events.slice(0, cut);
      // Started without an outcome, in start order.
      const open = new Map<string, RunEvent & { type: 'NODE_STARTED' }>();
      for (const e of history) {
        if (e.type === 'NODE_STARTED') open.set(key(e), e);
        else if (e.type === 'NODE_SUCCEEDED' || e.type === 'NODE_FAILED') open.delete(key(e));
      }
      const interrupted = [...open.values()];
      expect(interrupted.length).toBeGreaterThan(0);
      const { s, events } = await resumeFrom(resumable, history);
      expect(events.slice(0, interrupted.length)).toMatchObject(
        interrupted.map((e) => ({
          type: 'NODE_STARTED',
          nodeId: e.nodeId,
          attempt: e.attempt,
          data: { iteration: e.data.iteration },
        })),
      );
      expect(s.log.calls.slice(0, interrupted.length).map((c) => c.idempotencyKey)).toEqual(
        interrupted.map((e) => `run-1:${e.nodeId}:${e.data.iteration}`),
      );
    }
  });

  it('does not count the restart of an interrupted node against maxSteps', async () => {
    const make = (): Scenario => {
      const s = linear();
      s.graph.limits = { maxSteps: 3 };
      return s;
    };
    const full = await runScenario(make());
    expect(full.result.status).toBe('SUCCEEDED');
    const cut = full.events.findIndex((e) => e.type === 'NODE_STARTED' && e.nodeId === 'c') + 1;
    const { result, events } = await resumeFrom(make, full.events.slice(0, cut));
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: full.result.state });
    expect(timeline(events)).toEqual(['NODE_STARTED c#1', 'NODE_SUCCEEDED c#1', 'RUN_SUCCEEDED']);
  });

  it('schedules a retry that was pending when the run stopped, keeping the attempt count', async () => {
    const full = await runScenario(retryThenSuccess(), { random: () => 0 });
    const cut = full.events.findIndex((e) => e.type === 'NODE_RETRYING') + 1;
    const { s, result, events } = await resumeFrom(retryThenSuccess, full.events.slice(0, cut));
    expect(result.state).toEqual({ ok: true, after: true });
    expect(timeline(events).slice(0, 3)).toEqual([
      'NODE_STARTED flaky#2',
      'NODE_RETRYING flaky#2',
      'NODE_STARTED flaky#3',
    ]);
    expect(s.log.calls.map((c) => `${c.nodeId}#${c.attempt}`)).toEqual([
      'flaky#2',
      'flaky#3',
      'after#1',
    ]);
  });

  it('finishes a cancellation that was being recorded, without re-running anything', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort('bye'), 5);
    const full = await runScenario(cancellable(), { signal: ac.signal });
    const cut = full.events.findIndex((e) => e.type === 'NODE_SKIPPED') + 1;
    const { s, result, events } = await resumeFrom(cancellable, full.events.slice(0, cut));
    expect(result.status).toBe('CANCELLED');
    expect(timeline(events)).toEqual(['NODE_SKIPPED blockB cancelled', 'RUN_CANCELLED']);
    expect(s.log.calls).toHaveLength(0);
  });

  it('finishes a failure that was being recorded, with the failed node error', async () => {
    const make = (): Scenario => {
      return failFast();
    };
    const full = await runScenario(make());
    const cut = full.events.findIndex((e) => e.type === 'NODE_FAILED') + 1;
    const { s, result, events } = await resumeFrom(make, full.events.slice(0, cut));
    expect(result.error).toEqual(full.result.error);
    expect(timeline(events)).toEqual(['NODE_SKIPPED hang run_failed', 'RUN_FAILED']);
    expect(s.log.calls).toHaveLength(0);
  });

  it('returns the stored outcome of a finished run without emitting anything', async () => {
    const full = await runScenario(linear());
    const { s, result, events } = await resumeFrom(linear, full.events);
    expect(result).toEqual(full.result);
    expect(events).toHaveLength(0);
    expect(s.log.calls).toHaveLength(0);
  });

  it('rejects a log that does not fit the graph with RESUME_MISMATCH', async () => {
    const full = await runScenario(linear());
    await expect(resumeFrom(branch, full.events.slice(0, 4))).rejects.toMatchObject({
      code: 'RESUME_MISMATCH',
    });
    const gap = [full.events[0]!, full.events[2]!];
    await expect(resumeFrom(linear, gap)).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
    const other = full.events.slice(0, 3).map((e) => ({ ...e, runId: 'run-2' }));
    await expect(resumeFrom(linear, other)).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
  });
});
