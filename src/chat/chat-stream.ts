/**
 * A run's UI message stream over SSE, in the AI SDK's wire format (`data: <chunk JSON>`, a final
 * `data: [DONE]`, the UI_MESSAGE_STREAM_HEADERS), with one addition: the last part of each run
 * event carries `id: <event seq>`, so a client that lost the connection resumes after it
 * (`?after=<seq>` or Last-Event-ID) and gets every token exactly once. The SDK's
 * JsonToSseTransformStream writes no `id:` field, hence this small encoder.
 */
import type { ServerResponse } from 'node:http';
import { UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { TERMINAL_EVENT_TYPES } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { RunService } from '../runs/run-service.js';
import { type ChatChunk, createChatTranslator } from './chat-parts.js';

export interface RunStreamOptions {
  runs: RunService;
  logger: Logger;
  runId: string;
  tenantId: string;
  /** Parts of events up to this seq are not sent (the client has them). */
  after: number;
  /** Send `start` (messageId: the run id) first: a new response, not a resumed one. */
  start: boolean;
  outputKey?: string;
}

const sse = (chunk: ChatChunk | '[DONE]', id?: number): string =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`;

/**
 * Streams the run's parts after `after` until it ends or waits for an answer (RUN_SUSPENDED),
 * or the client goes away. Events are folded from seq 1 so that a resumed stream continues the
 * open text part and matches tool results to their calls.
 */
export async function streamRun(res: ServerResponse, o: RunStreamOptions): Promise<void> {
  const translator = createChatTranslator(o.runId, o.outputKey);
  const events = o.runs.events(o.runId, 0, o.tenantId);
  let gone = false;
  const closed = new Promise<'closed'>((resolve) =>
    res.once('close', () => {
      gone = true;
      resolve('closed');
    }),
  );
  // The first event proves the run is there (NOT_FOUND before any header is sent).
  let next = await events.next();
  res.writeHead(200, { ...UI_MESSAGE_STREAM_HEADERS, 'x-run-id': o.runId });
  if (o.start) res.write(sse({ type: 'start', messageId: o.runId }));
  try {
    while (!next.done && !gone) {
      const event = next.value;
      const chunks = translator.push(event);
      if (event.seq > o.after && chunks.length > 0)
        res.write(
          chunks.map((c, i) => sse(c, i === chunks.length - 1 ? event.seq : undefined)).join(''),
        );
      if (
        event.seq > o.after &&
        (event.type === 'RUN_SUSPENDED' || TERMINAL_EVENT_TYPES.has(event.type))
      )
        break;
      const got = await Promise.race([events.next(), closed]);
      if (got === 'closed') break;
      next = got;
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    o.logger.warn('chat stream ended early', { runId: o.runId, code });
    if (!gone)
      res.write(
        sse({
          type: 'error',
          errorText:
            typeof code === 'string'
              ? `${code}: ${(err as Error).message}`
              : 'INTERNAL: The stream failed.',
        }),
      );
  } finally {
    // Not awaited: a generator waiting for the bus lets go at its next event or poll.
    void events.return(undefined);
  }
  if (!gone) res.end(sse('[DONE]'));
}
