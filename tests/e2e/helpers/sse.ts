/**
 * A GraphQL-over-SSE reader: POST the operation with `accept: text/event-stream` and parse the
 * stream (`event: next` + `data:` lines, `event: complete`; `:` comment lines are keep-alives).
 */
export interface SseMessage {
  event: string;
  data: string;
}

export interface SseResult<T> {
  /** The parsed `data` of every `next` message, in order. */
  results: Array<{ data?: T | null; errors?: Array<{ message: string }> }>;
  /** Whether an `event: complete` arrived (rather than the stream just ending). */
  completed: boolean;
  contentType: string | null;
}

export async function sseSubscribe<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<SseResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok || !res.body) throw new Error(`SSE request failed: ${res.status}`);
  const out: SseResult<T> = {
    results: [],
    completed: false,
    contentType: res.headers.get('content-type'),
  };
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = parseMessage(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (!message) continue;
        if (message.event === 'complete') {
          out.completed = true;
          return out;
        }
        if (message.event === 'next' && message.data) out.results.push(JSON.parse(message.data));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out;
}

/** One SSE message; null for comment-only blocks (keep-alives). */
export function parseMessage(block: string): SseMessage | null {
  let event = '';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === '' && data.length === 0) return null;
  // Without an `event:` field a message is a plain `next` (the legacy Yoga format).
  return { event: event || 'next', data: data.join('\n') };
}
