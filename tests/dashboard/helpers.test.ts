import { describe, expect, it } from 'vitest';
import { problemOf } from '../../src/dashboard/api/problems.js';
import type { Interrupt } from '../../src/dashboard/api/types.js';
import { lineOf, locatePaths } from '../../src/dashboard/editor/json-locate.js';
import { diffLines, stableJson } from '../../src/dashboard/graph/diff.js';
import { barsFromEvents } from '../../src/dashboard/run/attempt-bars.js';
import { applyInterruptEvent, waitingNodes } from '../../src/dashboard/run/live-interrupts.js';
import { applyRunEvent, type Live } from '../../src/dashboard/run/live-run.js';
import { mapItemsOf } from '../../src/dashboard/run/map-items.js';
import { parseState, statePatchBetween } from '../../src/dashboard/run/state-patch.js';

/** The dashboard's pure parts: issue paths to lines, version diffs, the state at an event. */
describe('dashboard helpers', () => {
  const text = JSON.stringify(
    {
      name: 'g',
      nodes: [
        { id: 'a', tool: 'x' },
        { id: 'b', tool: 'y', config: { 'my key': 1 } },
      ],
      edges: [],
    },
    null,
    2,
  );

  it('finds the line of a validation path, or of its nearest parent', () => {
    const lines = locatePaths(text);
    const lineWith = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(lineOf(lines, 'nodes[1].tool')).toBe(lineWith('"y"'));
    expect(lineOf(lines, 'nodes[1].config["my key"]')).toBe(lineWith('"my key"'));
    expect(lineOf(lines, 'nodes[0].retry.maxAttempts')).toBe(lineOf(lines, 'nodes[0]'));
    expect(lineOf(lines, 'entry')).toBe(1);
    expect(lineOf(locatePaths('{"nodes": [ {"id": '), 'nodes[0].id')).toBe(1);
  });

  it('diffs two definitions by line, whatever their key order', () => {
    const lines = diffLines(stableJson({ b: 1, a: [1, 2] }), stableJson({ a: [1, 3], b: 1 }));
    expect(lines.filter((l) => l.kind === 'removed').map((l) => l.text.trim())).toEqual(['2']);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text.trim())).toEqual(['3']);
  });

  const ev = (
    seq: number,
    type: string,
    data: Record<string, unknown>,
    nodeId: string | null = null,
  ) => ({
    seq,
    type,
    data,
    nodeId,
    attempt: null,
    at: '2026-01-01T00:00:00.000Z',
  });

  it('follows interrupts live: asked, answered, and cancelled by the end of the run', () => {
    const asked = applyInterruptEvent(
      [],
      ev(
        4,
        'INTERRUPT_REQUESTED',
        { id: 'ask:1:1', iteration: 1, prompt: 'OK?', schema: { type: 'object' }, deadline: 0 },
        'ask',
      ),
    )!;
    expect(asked).toMatchObject([
      { id: 'ask:1:1', nodeId: 'ask', status: 'PENDING', deadline: '1970-01-01T00:00:00.000Z' },
    ]);
    expect(waitingNodes(asked)).toEqual(new Set(['ask']));
    expect(applyInterruptEvent(asked, ev(5, 'INTERRUPT_REQUESTED', { id: 'ask:1:1' }))).toBeNull();
    const answered = applyInterruptEvent(
      asked,
      ev(6, 'INTERRUPT_ANSWERED', { id: 'ask:1:1', value: { ok: true } }),
    )!;
    expect(answered[0]).toMatchObject({ status: 'ANSWERED', answer: { ok: true } });
    expect(waitingNodes(answered).size).toBe(0);
    expect(applyInterruptEvent(answered, ev(7, 'RUN_SUCCEEDED', { state: {} }))).toBeNull();
    expect(applyInterruptEvent(asked, ev(7, 'RUN_CANCELLED', { state: {} }))![0]!.status).toBe(
      'CANCELLED',
    );
  });

  it('turns a run waiting and running again, and remembers the last event it folded', () => {
    const live: Live = {
      status: 'RUNNING',
      nodes: [],
      interrupts: [] as Interrupt[],
      error: null,
      state: {},
      finishedAt: null,
      startedAt: null,
      seq: 3,
    };
    const waiting = applyRunEvent(live, ev(5, 'RUN_SUSPENDED', { interrupts: ['a:1:1'] }));
    expect(waiting).toMatchObject({ status: 'WAITING', seq: 5 });
    expect(applyRunEvent(waiting, ev(6, 'RUN_RESUMED', {}))).toMatchObject({
      status: 'RUNNING',
      seq: 6,
    });
  });

  it('makes the state patch of an edited state: changed and added keys, removed ones null', () => {
    expect(statePatchBetween({ a: 1, b: [1], c: 'x' }, { a: 1, b: [1, 2], d: true })).toEqual({
      b: [1, 2],
      d: true,
      c: null,
    });
    expect(statePatchBetween({ a: { x: 1 } }, { a: { x: 1 } })).toEqual({});
    expect(parseState('[1]')).toMatchObject({ ok: false });
    expect(parseState('{"a":')).toMatchObject({ ok: false });
    expect(parseState('{"a": 1}')).toEqual({ ok: true, state: { a: 1 } });
  });

  it("reads BAD_USER_INPUT's problems from an API error", () => {
    const problem = problemOf({
      message: '[GraphQL] bad',
      graphQLErrors: [
        {
          message: 'bad',
          extensions: {
            code: 'BAD_USER_INPUT',
            problems: [
              "(root) must have required property 'ok'",
              { path: 'x', message: 'is wrong' },
            ],
          },
        },
      ],
    });
    expect(problem).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'bad',
      problems: ["(root) must have required property 'ok'", 'x is wrong'],
    });
    expect(problemOf({ message: '[Network] down' })).toEqual({
      code: null,
      message: 'down',
      problems: [],
    });
  });
  it('draws a bar per start of an attempt: one suspended by an interrupt, one after resuming', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const node = (seq: number, type: string, ms: number, attempt = 1) => ({
      seq,
      type,
      data: { iteration: 1 },
      nodeId: 'ask',
      attempt,
      at: at(ms),
    });
    const bars = barsFromEvents([
      node(2, 'NODE_STARTED', 0),
      { ...node(3, 'RUN_SUSPENDED', 10), nodeId: null, data: { interrupts: ['i'] } },
      node(5, 'NODE_STARTED', 500),
      node(6, 'NODE_RETRYING', 510),
      node(7, 'NODE_STARTED', 600, 2),
      node(8, 'NODE_SUCCEEDED', 650, 2),
    ]);
    expect(bars.map((b) => [b.attempt, b.status, b.end! - b.start])).toEqual([
      [1, 'WAITING', 10],
      [1, 'RETRYING', 10],
      [2, 'SUCCEEDED', 50],
    ]);
    expect(new Set(bars.map((b) => b.key)).size).toBe(3);
  });
  it("counts a map node's items from its events", () => {
    const item = (seq: number, type: string, index: number) => ({
      ...ev(seq, type, { iteration: 1, index }, 'm'),
    });
    const events = [
      item(2, 'MAP_ITEM_STARTED', 0),
      item(3, 'MAP_ITEM_STARTED', 1),
      item(4, 'MAP_ITEM_SUCCEEDED', 0),
      item(5, 'MAP_ITEM_RETRYING', 1),
      item(6, 'MAP_ITEM_STARTED', 1),
      item(7, 'MAP_ITEM_FAILED', 1),
      ev(8, 'NODE_FAILED', { iteration: 1 }, 'm'),
    ];
    expect(mapItemsOf(events, 'm')).toEqual({ started: 2, succeeded: 1, retries: 1, failed: [1] });
    expect(mapItemsOf(events, 'other')).toBeNull();
  });

  it('closes the bar of an attempt a pause cut (RUN_PAUSED), and draws its start after unpause apart', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const event = (seq: number, type: string, ms: number, nodeId: string | null = 'ask') => ({
      seq,
      type,
      data: { iteration: 1 },
      nodeId,
      attempt: nodeId ? 1 : null,
      at: at(ms),
    });
    const bars = barsFromEvents([
      event(2, 'NODE_STARTED', 0),
      event(3, 'RUN_PAUSED', 20, null),
      event(4, 'RUN_UNPAUSED', 900, null),
      event(5, 'NODE_STARTED', 900),
      event(6, 'NODE_SUCCEEDED', 950),
    ]);
    expect(bars.map((b) => [b.status, b.end! - b.start])).toEqual([
      ['WAITING', 20],
      ['SUCCEEDED', 50],
    ]);
  });
});
