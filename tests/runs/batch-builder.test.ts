import { describe, expect, it } from 'vitest';
import type { ErrorInfo, RunEvent } from '../../src/engine/index.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';
import type { NewRun } from '../../src/runs/ports.js';
import { log, started, T0 } from './run-fakes.js';

const boom: ErrorInfo = { code: 'TOOL_FAILED', message: 'boom' };

/** Node events of run `r`; `at` is T0 + seq unless given. */
const node = {
  started: (seq: number, nodeId: string, iteration = 1, attempt = 1): RunEvent => ({
    runId: 'r',
    seq,
    at: T0 + seq,
    type: 'NODE_STARTED',
    nodeId,
    attempt,
    data: { iteration },
  }),
  retrying: (seq: number, nodeId: string, attempt = 1): RunEvent => ({
    runId: 'r',
    seq,
    at: T0 + seq,
    type: 'NODE_RETRYING',
    nodeId,
    attempt,
    data: { iteration: 1, error: boom, delayMs: 5, nextAttempt: attempt + 1 },
  }),
  succeeded: (seq: number, nodeId: string, iteration = 1, attempt = 1, durationMs = 7.4) =>
    ({
      runId: 'r',
      seq,
      at: T0 + seq,
      type: 'NODE_SUCCEEDED',
      nodeId,
      attempt,
      data: { iteration, patch: {}, durationMs, taken: [] },
    }) as RunEvent,
  failed: (seq: number, nodeId: string): RunEvent => ({
    runId: 'r',
    seq,
    at: T0 + seq,
    type: 'NODE_FAILED',
    nodeId,
    attempt: 1,
    data: { iteration: 1, error: boom, durationMs: 2.5 },
  }),
  skipped: (seq: number, nodeId: string, reason: 'dead_path' | 'loop_limit' = 'dead_path') =>
    ({
      runId: 'r',
      seq,
      at: T0 + seq,
      type: 'NODE_SKIPPED',
      nodeId,
      attempt: 1,
      data: { reason },
    }) as RunEvent,
};

const end = {
  succeeded: (seq: number, runId = 'r'): RunEvent => ({
    runId,
    seq,
    at: T0 + seq,
    type: 'RUN_SUCCEEDED',
    data: { state: { ok: true } },
  }),
  failed: (seq: number): RunEvent => ({
    runId: 'r',
    seq,
    at: T0 + seq,
    type: 'RUN_FAILED',
    data: { error: { ...boom, nodeId: 'a' }, state: { partial: 1 } },
  }),
  cancelled: (seq: number): RunEvent => ({
    runId: 'r',
    seq,
    at: T0 + seq,
    type: 'RUN_CANCELLED',
    data: { reason: 'user', state: { c: 1 } },
  }),
};

function build(events: RunEvent[], b = new BatchBuilder()) {
  for (const e of events) b.add(e);
  return b.take();
}

describe('BatchBuilder: run patches', () => {
  it('records every status a run went through in one batch, in order, with its times', () => {
    const batch = build([started('r'), node.started(2, 'a'), end.succeeded(3)]);
    expect(batch.runs).toEqual([
      {
        id: 'r',
        lastSeq: 3,
        status: 'SUCCEEDED',
        transitions: ['RUNNING', 'SUCCEEDED'],
        startedAt: T0 + 1,
        finishedAt: T0 + 3,
        state: { ok: true },
      },
    ]);
  });

  it('patches only lastSeq for a batch without a status change', () => {
    const b = new BatchBuilder();
    build([started('r')], b);
    const batch = build([log('r', 2), node.started(3, 'a'), log('r', 4)], b);
    expect(batch.runs).toEqual([{ id: 'r', lastSeq: 4 }]);
  });

  it('keeps the highest seq as lastSeq even when events arrive out of order', () => {
    const batch = build([log('r', 5), log('r', 3)]);
    expect(batch.runs[0]?.lastSeq).toBe(5);
  });

  it('stores the error and final state of a failed run', () => {
    const batch = build([started('r'), end.failed(2)]);
    expect(batch.runs[0]).toMatchObject({
      status: 'FAILED',
      transitions: ['RUNNING', 'FAILED'],
      error: { code: 'TOOL_FAILED', nodeId: 'a' },
      state: { partial: 1 },
      finishedAt: T0 + 2,
    });
  });

  it('stores the state of a cancelled run and leaves its error untouched', () => {
    const batch = build([end.cancelled(1)]);
    expect(batch.runs[0]).toEqual({
      id: 'r',
      lastSeq: 1,
      status: 'CANCELLED',
      transitions: ['CANCELLED'],
      state: { c: 1 },
      finishedAt: T0 + 1,
    });
  });

  it('keeps one patch per run when a batch mixes runs', () => {
    const batch = build([started('x'), started('y'), log('x', 2), end.succeeded(2, 'y')]);
    expect(batch.runs.map((p) => [p.id, p.lastSeq, p.status])).toEqual([
      ['x', 2, 'RUNNING'],
      ['y', 2, 'SUCCEEDED'],
    ]);
  });
});

describe('BatchBuilder: node rows', () => {
  it('writes one row per node execution with attempts, error and rounded duration', () => {
    const batch = build([
      started('r'),
      node.started(2, 'a'),
      node.retrying(3, 'a', 1),
      node.started(4, 'a', 1, 2),
      node.succeeded(5, 'a', 1, 2, 12.6),
      node.started(6, 'b'),
      node.failed(7, 'b'),
    ]);
    expect(batch.nodes).toEqual([
      {
        runId: 'r',
        nodeId: 'a',
        iteration: 1,
        seq: 2,
        status: 'SUCCEEDED',
        attempts: 2,
        startedAt: T0 + 2, // the first attempt's start
        finishedAt: T0 + 5,
        durationMs: 13,
        error: null, // the retry's error is cleared by the success
      },
      {
        runId: 'r',
        nodeId: 'b',
        iteration: 1,
        seq: 6,
        status: 'FAILED',
        attempts: 1,
        startedAt: T0 + 6,
        finishedAt: T0 + 7,
        durationMs: 3,
        error: boom,
      },
    ]);
  });

  it('shows a retrying node as RETRYING with the error of the failed attempt', () => {
    const batch = build([node.started(1, 'a'), node.retrying(2, 'a')]);
    expect(batch.nodes).toEqual([
      expect.objectContaining({ status: 'RETRYING', attempts: 1, error: boom, finishedAt: null }),
    ]);
  });

  it('writes a row whole in a later batch, keeping what earlier batches recorded', () => {
    const b = new BatchBuilder();
    const first = build([started('r'), node.started(2, 'a')], b);
    const second = build([node.succeeded(3, 'a')], b);
    expect(first.nodes).toEqual([expect.objectContaining({ status: 'RUNNING', finishedAt: null })]);
    expect(second.nodes).toEqual([
      expect.objectContaining({
        seq: 2,
        status: 'SUCCEEDED',
        startedAt: T0 + 2,
        finishedAt: T0 + 3,
      }),
    ]);
  });

  it('hands over copies: a taken row does not change with later events', () => {
    const b = new BatchBuilder();
    const first = build([node.started(1, 'a')], b);
    build([node.succeeded(2, 'a')], b);
    expect(first.nodes[0]?.status).toBe('RUNNING');
  });

  it('keeps loop iterations apart and skips the next iteration after the loop limit', () => {
    const batch = build([
      node.started(1, 'step', 1),
      node.succeeded(2, 'step', 1),
      node.started(3, 'step', 2),
      node.succeeded(4, 'step', 2),
      node.skipped(5, 'step', 'loop_limit'),
    ]);
    expect(batch.nodes.map((r) => [r.nodeId, r.iteration, r.status, r.seq])).toEqual([
      ['step', 1, 'SUCCEEDED', 1],
      ['step', 2, 'SUCCEEDED', 3],
      ['step', 3, 'SKIPPED', 5],
    ]);
  });

  it('marks a running execution SKIPPED in its own row (cancel) and a never-run node at 1', () => {
    const batch = build([node.started(1, 'a'), node.skipped(2, 'a'), node.skipped(3, 'b')]);
    expect(batch.nodes).toEqual([
      expect.objectContaining({
        nodeId: 'a',
        iteration: 1,
        status: 'SKIPPED',
        startedAt: T0 + 1,
        finishedAt: T0 + 2,
        durationMs: null,
      }),
      expect.objectContaining({
        nodeId: 'b',
        iteration: 1,
        status: 'SKIPPED',
        startedAt: null,
        finishedAt: T0 + 3,
      }),
    ]);
  });

  it('forgets a finished run: its node memory goes with the terminal event', () => {
    const b = new BatchBuilder();
    build([node.started(1, 'a'), node.succeeded(2, 'a'), end.succeeded(3)], b);
    // A (hypothetical) later event for the same node starts a fresh row.
    const later = build([node.skipped(4, 'a')], b);
    expect(later.nodes).toEqual([
      expect.objectContaining({ iteration: 1, seq: 4, startedAt: null, status: 'SKIPPED' }),
    ]);
  });

  it('untrack forgets a run whose execution stopped without an end', () => {
    const b = new BatchBuilder();
    build([started('r'), node.started(2, 'a')], b);
    b.untrack('r');
    const after = build([node.succeeded(3, 'a')], b);
    // Without its memory the row starts over: the start recorded earlier is not in it.
    expect(after.nodes).toEqual([
      expect.objectContaining({ seq: 3, startedAt: null, status: 'SUCCEEDED' }),
    ]);
  });

  it('untrack of one run leaves the others tracked', () => {
    const b = new BatchBuilder();
    build([node.started(1, 'a'), { ...node.started(1, 'a'), runId: 'other' }], b);
    b.untrack('other');
    const after = build([node.succeeded(2, 'a')], b);
    expect(after.nodes[0]).toMatchObject({ runId: 'r', seq: 1, startedAt: T0 + 1 });
  });
});

describe('BatchBuilder: batches', () => {
  const newRun = (id: string): NewRun => ({
    id,
    tenantId: 'default',
    graphId: 'g',
    graphVersionId: 'v',
    input: {},
    owner: 'me',
  });

  it('puts created runs in the same batch as events, and counts both in size', () => {
    const b = new BatchBuilder();
    b.addRun(newRun('r'));
    b.add(started('r'));
    b.add(log('r', 2));
    expect(b.size).toBe(3);
    const batch = b.take();
    expect(batch.created.map((r) => r.id)).toEqual(['r']);
    expect(batch.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('starts empty after take', () => {
    const b = new BatchBuilder();
    b.addRun(newRun('r'));
    b.add(started('r'));
    b.take();
    expect(b.size).toBe(0);
    expect(b.take()).toEqual({ created: [], events: [], runs: [], nodes: [] });
  });
});
