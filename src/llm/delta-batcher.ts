/**
 * Batches streamed text so a fast model does not write one event per token: pieces are joined
 * and handed on when `maxChars` have gathered or `intervalMs` after the first waiting piece,
 * whichever comes first, and at `close`.
 */
import type { LlmDelta } from './usage.js';

export interface DeltaBatcher {
  push(text: string): void;
  /** Hands on what waits and stops the timer. */
  close(): void;
}

export const DEFAULT_DELTA_INTERVAL_MS = 50;
export const DEFAULT_DELTA_MAX_CHARS = 256;

export function createDeltaBatcher(
  send: (delta: LlmDelta) => void,
  options: { intervalMs?: number; maxChars?: number } = {},
): DeltaBatcher {
  const intervalMs = options.intervalMs ?? DEFAULT_DELTA_INTERVAL_MS;
  const maxChars = options.maxChars ?? DEFAULT_DELTA_MAX_CHARS;
  let buffer = '';
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    send({ text, offset });
    offset += text.length;
  };
  return {
    push(text) {
      if (text === '') return;
      buffer += text;
      if (buffer.length >= maxChars) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, intervalMs);
        timer.unref?.();
      }
    },
    close: flush,
  };
}
