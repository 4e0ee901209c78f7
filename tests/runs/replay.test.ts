import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { REPLAY_STARTED, replayMarkerOf, resultOf } from '../../src/runs/replay.js';

describe('replay: recorded results', () => {
  it('turns a placed patch back into the tool result its output made it from', () => {
    expect(resultOf({ a: 1 }, undefined)).toEqual({ a: 1 });
    expect(resultOf({ answer: 'hi' }, 'answer')).toBe('hi');
    expect(resultOf({ text: 'x', n: 2 }, { text: 'content.text', n: 'meta.count' })).toEqual({
      content: { text: 'x' },
      meta: { count: 2 },
    });
    expect(resultOf({ all: [1, 2] }, { all: '' })).toEqual([1, 2]);
  });

  it("finds a replayed run's marker in its log, and none in another run's", () => {
    const marker = { sourceRunId: 'r1', model: 'm' };
    const custom = (name: string, payload: unknown) =>
      ({ runId: 'r2', seq: 2, at: 0, type: 'CUSTOM', data: { name, payload } }) as RunEvent;
    expect(replayMarkerOf([custom('other', {}), custom(REPLAY_STARTED, marker)])).toEqual(marker);
    expect(replayMarkerOf([custom('other', {})])).toBeUndefined();
  });
});
