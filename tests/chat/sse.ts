/**
 * Reading the chat endpoint's SSE in tests: each event's `id:` (the run event seq, when set)
 * and its part (the JSON after `data:`), with a way to stop reading (drop the connection).
 */
export interface SseEvent {
  id?: number;
  part: { type: string; [key: string]: unknown };
}

export interface ChatBody {
  id: string;
  messages?: unknown[];
  trigger?: string;
  answer?: { runId: string; interruptId: string; value: unknown };
}

/** The useChat body for one user message. */
export const userMessage = (chatId: string, text: string, earlier: unknown[] = []): ChatBody => ({
  id: chatId,
  trigger: 'submit-message',
  messages: [
    ...earlier,
    {
      id: `m-${Math.random().toString(36).slice(2)}`,
      role: 'user',
      parts: [{ type: 'text', text }],
    },
  ],
});

/**
 * Reads SSE events until the stream ends or `stop(event)` says so (then the connection is
 * dropped); `[DONE]` is returned as a part of type `[DONE]`.
 */
export async function readSse(
  res: Response,
  stop: (event: SseEvent, seen: SseEvent[]) => boolean = () => false,
): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  if (!res.body) return seen;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return seen;
    buffer += value;
    let cut = buffer.indexOf('\n\n');
    while (cut !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      let id: number | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = Number(line.slice(4));
        if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data === '') continue;
      const part = data === '[DONE]' ? { type: '[DONE]' } : JSON.parse(data);
      const event: SseEvent = id === undefined ? { part } : { id, part };
      seen.push(event);
      if (stop(event, seen)) {
        await reader.cancel();
        return seen;
      }
    }
  }
}

/** The part types, consecutive repeats folded (`text-delta` x3 -> one). */
export const shape = (events: SseEvent[]): string[] =>
  events.map((e) => e.part.type).filter((t, i, all) => i === 0 || all[i - 1] !== t);

/** The text of the text-delta parts. */
export const textOf = (events: SseEvent[]): string =>
  events
    .filter((e) => e.part.type === 'text-delta')
    .map((e) => e.part.delta)
    .join('');
