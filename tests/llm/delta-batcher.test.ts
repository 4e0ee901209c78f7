import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeltaBatcher } from '../../src/llm/delta-batcher.js';
import type { LlmDelta } from '../../src/llm/usage.js';

afterEach(() => void vi.useRealTimers());

describe('delta batching', () => {
  it('joins pieces until maxChars, then sends them with their offset', () => {
    const sent: LlmDelta[] = [];
    const b = createDeltaBatcher((d) => sent.push(d), { maxChars: 5, intervalMs: 1_000 });
    for (const piece of ['ab', 'cd', 'ef', 'g']) b.push(piece);
    expect(sent).toEqual([{ text: 'abcdef', offset: 0 }]);
    b.close();
    expect(sent).toEqual([
      { text: 'abcdef', offset: 0 },
      { text: 'g', offset: 6 },
    ]);
  });

  it('sends what waits once the interval passes after the first waiting piece', () => {
    vi.useFakeTimers();
    const sent: LlmDelta[] = [];
    const b = createDeltaBatcher((d) => sent.push(d), { maxChars: 100, intervalMs: 50 });
    b.push('a');
    vi.advanceTimersByTime(30);
    b.push('b');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(sent).toEqual([{ text: 'ab', offset: 0 }]);
    b.close();
    expect(sent).toHaveLength(1);
  });

  it('sends nothing for no text', () => {
    const sent: LlmDelta[] = [];
    const b = createDeltaBatcher((d) => sent.push(d));
    b.push('');
    b.close();
    expect(sent).toEqual([]);
  });
});
