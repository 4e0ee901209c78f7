/**
 * A scripted OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (port 0), the Chat
 * Completions wire format as JSON (`stream: false`) and as SSE (`stream: true`), replies taken
 * from a script in order, and a record of every request received. Nothing reaches the internet.
 *
 *   const llm = await startOpenAIServer();
 *   llm.script({ text: 'Hello there' }, { status: 429, headers: { 'retry-after': '1' } });
 *   // LLM_BASE_URL = llm.baseURL, then llm.requests holds each call's path, headers and body.
 *
 * A request that finds the script empty is answered 500 ("no scripted reply left"), so a test
 * that makes more calls than it scripted fails loudly instead of hanging.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ScriptedToolCall {
  /** Default `call_<n>`. */
  id?: string;
  name: string;
  /** An object is sent as its JSON text; a string is sent as is (to script malformed JSON). */
  arguments: unknown;
}

interface ReplyBase {
  /** Default: prompt = request characters / 4, completion = reply characters / 4 (at least 1). */
  usage?: ScriptedUsage;
  /** The `model` the reply names (default: the requested one). */
  model?: string;
}

/** A model answer: text, JSON (sent as its text), tool calls, or text and tool calls. */
export interface ScriptedAnswer extends ReplyBase {
  text?: string;
  /** Sent as `JSON.stringify(json)`; for structured output. */
  json?: unknown;
  toolCalls?: ScriptedToolCall[];
  /** Streamed as these pieces (default: the text cut after every space). */
  chunks?: string[];
  /** Streaming only: after this many chunks, wait for `resume` before sending the rest. */
  pauseAfter?: number;
  resume?: Promise<unknown>;
  /** Default `stop`, or `tool_calls` when there are tool calls. */
  finishReason?: string;
}

/** An HTTP error answer (4xx, 5xx, 429 with `retry-after`...). */
export interface ScriptedError {
  status: number;
  /** Default `{ error: { message, type, code } }` in OpenAI's shape. */
  body?: unknown;
  message?: string;
  headers?: Record<string, string>;
}

/** Accept the request and never answer (until the client goes away): for aborts and timeouts. */
export interface ScriptedHang {
  hang: true;
}

export type ScriptedReply = ScriptedAnswer | ScriptedError | ScriptedHang;

export interface RecordedRequest {
  /** 1-based, in arrival order. */
  n: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`model`, `messages`, `tools`, `stream`, `response_format`...). */
  body: Record<string, unknown>;
  /** The scripted reply it got (undefined: the script was empty). */
  reply: ScriptedReply | undefined;
  /** Set when the client closed the connection before the answer was complete. */
  aborted: boolean;
}

export interface OpenAIServer {
  /** `http://127.0.0.1:<port>/v1`: what LLM_BASE_URL / `baseURL` take. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Appends replies to the script. */
  script(...replies: ScriptedReply[]): void;
  /** Replies not yet used. */
  pending(): number;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Forgets the script and the record (between tests). */
  reset(): void;
  close(): Promise<void>;
}

const isError = (r: ScriptedReply): r is ScriptedError => 'status' in r;
const isHang = (r: ScriptedReply): r is ScriptedHang => 'hang' in r;

/** The text an answer carries: `text`, or `json` as JSON. */
function contentOf(reply: ScriptedAnswer): string | undefined {
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  return reply.text;
}

function chunksOf(reply: ScriptedAnswer): string[] {
  if (reply.chunks) return reply.chunks;
  const content = contentOf(reply);
  if (!content) return [];
  return content.match(/[^ ]+ ?| /g) ?? [content];
}

function usageOf(reply: ScriptedAnswer, body: Record<string, unknown>) {
  const usage = reply.usage ?? {
    prompt_tokens: Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4)),
    completion_tokens: Math.max(
      1,
      Math.ceil(
        ((contentOf(reply) ?? '').length + JSON.stringify(reply.toolCalls ?? []).length) / 4,
      ),
    ),
  };
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

function wireToolCalls(reply: ScriptedAnswer, n: number) {
  return (reply.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${n}_${i + 1}`,
    type: 'function' as const,
    function: {
      name: call.name,
      arguments:
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

function finishReasonOf(reply: ScriptedAnswer): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function sendError(res: ServerResponse, reply: ScriptedError): void {
  const message = reply.message ?? `scripted error ${reply.status}`;
  const body = reply.body ?? {
    error: { message, type: reply.status === 429 ? 'rate_limit_exceeded' : 'error', code: null },
  };
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function sendJson(res: ServerResponse, reply: ScriptedAnswer, req: RecordedRequest): void {
  const toolCalls = wireToolCalls(reply, req.n);
  const message: Record<string, unknown> = { role: 'assistant', content: contentOf(reply) ?? null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: `chatcmpl-${req.n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? req.body.model,
      choices: [{ index: 0, message, finish_reason: finishReasonOf(reply) }],
      usage: usageOf(reply, req.body),
    }),
  );
}

async function sendStream(
  res: ServerResponse,
  reply: ScriptedAnswer,
  req: RecordedRequest,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const base = {
    id: `chatcmpl-${req.n}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? req.body.model,
  };
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
  send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  const chunks = chunksOf(reply);
  for (let i = 0; i < chunks.length; i++) {
    if (reply.pauseAfter === i && reply.resume) await reply.resume;
    if (res.destroyed) return;
    send([{ index: 0, delta: { content: chunks[i] }, finish_reason: null }]);
  }
  if (reply.pauseAfter !== undefined && reply.pauseAfter >= chunks.length && reply.resume)
    await reply.resume;
  // Tool calls as OpenAI streams them: the name first, then the arguments in two pieces.
  wireToolCalls(reply, req.n).forEach((call, index) => {
    const args = call.function.arguments;
    const cut = Math.floor(args.length / 2);
    send([
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index,
              id: call.id,
              type: 'function',
              function: { name: call.function.name, arguments: '' },
            },
          ],
        },
        finish_reason: null,
      },
    ]);
    for (const piece of [args.slice(0, cut), args.slice(cut)])
      send([
        {
          index: 0,
          delta: { tool_calls: [{ index, function: { arguments: piece } }] },
          finish_reason: null,
        },
      ]);
  });
  send([{ index: 0, delta: {}, finish_reason: finishReasonOf(reply) }]);
  // The usage chunk, as OpenAI sends it with stream_options.include_usage: no choices.
  send([], { usage: usageOf(reply, req.body) });
  res.end('data: [DONE]\n\n');
}

export async function startOpenAIServer(initial: ScriptedReply[] = []): Promise<OpenAIServer> {
  let replies: ScriptedReply[] = [...initial];
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
      } catch {
        // recorded as {}: the test sees what arrived in `headers` / `path`
      }
      const reply = replies.shift();
      const record: RecordedRequest = {
        n: requests.length + 1,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        reply,
        aborted: false,
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      if (reply === undefined) {
        sendError(res, { status: 500, message: 'openai-server: no scripted reply left' });
      } else if (isHang(reply)) {
        // answer nothing; the client's abort closes the socket
      } else if (isError(reply)) {
        sendError(res, reply);
      } else if (body.stream === true) {
        sendStream(res, reply, record).catch(() => res.destroy());
      } else {
        sendJson(res, reply, record);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...more) => void replies.push(...more),
    pending: () => replies.length,
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    reset() {
      replies = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
