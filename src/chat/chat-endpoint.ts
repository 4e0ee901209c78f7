/**
 * The chat transport: a saved graph behind the AI SDK UI message stream protocol, what `useChat`
 * (DefaultChatTransport) speaks, so a React chat UI works against a graph with no glue.
 *
 * - `POST /chat/<graph name or id>` with the useChat body: the chat `id` is the thread id, the
 *   last user message's text the run input (`{ message: text }`, or the graph's key from
 *   `inputs`); answered with the run's parts (chat-parts.ts) as SSE. A body with `answer:
 *   { runId, interruptId, value }` answers an interrupt (resumeRun) and streams the rest of that run.
 * - `GET /chat/<graph>/<chat id>/stream` (useChat's `resume`): the thread's latest run from the
 *   start while it is active, 204 when nothing streams; `?after=<seq>` or Last-Event-ID resumes
 *   after that event (`?runId=` picks the run).
 * - `GET /chat/<graph>`: the dashboard's chat page.
 *
 * Auth and tenancy as the GraphQL API: the same authenticator, reader to resume a stream, writer
 * to start or answer; another tenant's graph, thread or run is NOT_FOUND.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Authenticate } from '../auth/authenticate.js';
import { type Identity, roleAllows } from '../auth/identity.js';
import { EngineError } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphRecord, GraphStore } from '../runs/ports.js';
import type { RunService } from '../runs/run-service.js';
import { type RateLimiter, rateLimitKey } from '../server/rate-limit.js';
import { readBody } from '../server/read-body.js';
import type { ThreadService } from '../threads/thread-service.js';
import { applyChatCors } from './chat-cors.js';
import { lastUserText, parseChatRequest } from './chat-request.js';
import { streamRun } from './chat-stream.js';

export const CHAT_PATH = '/chat/';

export const isChatRequest = (url: string | undefined): boolean =>
  url?.startsWith(CHAT_PATH) === true;

/** How a graph's chat maps to its state: the input key of the user's text, the answer's key. */
export interface ChatGraphOptions {
  /** Default `message`. */
  input?: string;
  /** A state key sent as the answer when the run streamed no text. */
  output?: string;
}

export interface ChatEndpointOptions {
  authenticate: Authenticate;
  graphs: GraphStore;
  runs: RunService;
  threads: ThreadService;
  logger: Logger;
  maxBodyBytes: number;
  /** Browser origins allowed besides the server's own (CORS_ORIGINS, as for /graphql). */
  corsOrigins?: readonly string[];
  rateLimiter?: RateLimiter;
  /** Per graph name: see ChatGraphOptions. */
  inputs?: Record<string, ChatGraphOptions>;
  /** Answers `GET /chat/<graph>` (the dashboard's chat page). */
  page?: RequestListener;
}

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  INVALID_THREAD_ID: 400,
  VALUE_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INTERRUPT_ALREADY_ANSWERED: 409,
  INTERRUPT_TIMED_OUT: 409,
  CONCURRENCY_LIMIT: 409,
  RUN_NOT_ACTIVE: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
};

function fail(res: ServerResponse, status: number, code: string, message: string, extra = {}) {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    ...extra,
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

const lastEventId = (req: IncomingMessage, query: URLSearchParams): number => {
  const raw = query.get('after') ?? req.headers['last-event-id'];
  if (raw === undefined || raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new AppError(
      'BAD_USER_INPUT',
      'after (or Last-Event-ID) must be an event seq: 0, 1, 2...',
    );
  return n;
};

export function createChatEndpoint(o: ChatEndpointOptions): RequestListener {
  async function graphOf(identity: Identity, ref: string): Promise<GraphRecord> {
    const byId = await o.graphs.get(ref);
    const graph =
      byId?.tenantId === identity.tenantId
        ? byId
        : await o.graphs.getByName(identity.tenantId, ref);
    if (!graph) throw notFound('Graph', ref);
    return graph;
  }

  const need = (identity: Identity, role: 'reader' | 'writer') => {
    if (!roleAllows(identity.role, role))
      throw new AppError('FORBIDDEN', `Role "${identity.role}" may not do this: it needs ${role}.`);
  };

  async function post(
    req: IncomingMessage,
    res: ServerResponse,
    identity: Identity,
    graph: GraphRecord,
  ) {
    need(identity, 'writer');
    const text = await readBody(req, o.maxBodyBytes);
    if (text === null)
      throw new AppError('VALUE_TOO_LARGE', `The body passes ${o.maxBodyBytes} bytes.`);
    const request = parseChatRequest(text);
    const chatId = o.threads.checkThreadId(request.id);
    const settings = o.inputs?.[graph.name] ?? {};
    const stream = { runs: o.runs, logger: o.logger, tenantId: identity.tenantId, start: true };
    if (request.answer) {
      const { runId, interruptId, value } = request.answer;
      const run = await o.runs.get(runId, identity.tenantId);
      if (run.graphId !== graph.id || (await o.threads.threadOf(run)) !== chatId)
        throw notFound('Run', runId);
      await o.runs.resume(runId, interruptId, value, identity.tenantId);
      return streamRun(res, { ...stream, runId, after: run.lastSeq, ...out(settings) });
    }
    const input = { [settings.input ?? 'message']: lastUserText(request) };
    const wait = await o.rateLimiter?.take(
      'startRuns',
      rateLimitKey(identity, req.socket.remoteAddress),
    );
    if (wait !== null && wait !== undefined) {
      const seconds = Math.ceil(wait / 1000);
      return fail(res, 429, 'RATE_LIMITED', `Too many runs started; retry in ${seconds} s.`, {
        'retry-after': String(seconds),
      });
    }
    const run = await o.runs.start(graph.id, input, identity.tenantId, { threadId: chatId });
    return streamRun(res, { ...stream, runId: run.id, after: 0, ...out(settings) });
  }

  async function resume(
    req: IncomingMessage,
    res: ServerResponse,
    identity: Identity,
    graph: GraphRecord,
    chatId: string,
    query: URLSearchParams,
  ) {
    need(identity, 'reader');
    const after = lastEventId(req, query);
    const thread = await o.threads.get(identity.tenantId, chatId);
    const runId = query.get('runId') ?? (thread && (await o.threads.runIds(thread, 1))[0]);
    const run = runId ? await o.runs.get(runId, identity.tenantId).catch(() => null) : null;
    const onChat = run && run.graphId === graph.id && (await o.threads.threadOf(run)) === chatId;
    const active = run?.status === 'QUEUED' || run?.status === 'RUNNING';
    // Nothing to resume: the SDK's signal that no stream is active.
    if (!run || !onChat || !(active || (after > 0 && after < run.lastSeq)))
      return void res.writeHead(204).end();
    const settings = o.inputs?.[graph.name] ?? {};
    return streamRun(res, {
      runs: o.runs,
      logger: o.logger,
      tenantId: identity.tenantId,
      runId: run.id,
      after,
      start: after === 0,
      ...out(settings),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.slice(CHAT_PATH.length).split('/').map(decodeSegment);
    const isPage = segments.length === 1 && (req.method === 'GET' || req.method === 'HEAD');
    if (isPage && o.page) return o.page(req, res);
    if (applyChatCors(req, res, o.corsOrigins ?? [])) return;
    const [ref, chatId, tail] = segments;
    const isPost = segments.length === 1 && req.method === 'POST';
    const isResume = segments.length === 3 && tail === 'stream' && req.method === 'GET';
    if (!ref || !(isPost || isResume))
      return fail(
        res,
        404,
        'NOT_FOUND',
        'POST /chat/<graph> (the useChat request) or GET /chat/<graph>/<chat id>/stream.',
      );
    const identity = await o.authenticate(req.headers.authorization);
    const graph = await graphOf(identity, ref);
    if (isPost) return post(req, res, identity, graph);
    return resume(
      req,
      res,
      identity,
      graph,
      o.threads.checkThreadId(chatId ?? ''),
      url.searchParams,
    );
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof AppError || err instanceof EngineError) {
        const status = STATUS[err.code] ?? 400;
        if (status >= 500) o.logger.warn('chat request refused', { code: err.code });
        return fail(res, status, err.code, err.message);
      }
      o.logger.error('chat request failed', { err });
      fail(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
    });
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError(
      'BAD_USER_INPUT',
      `The path segment "${segment}" is not valid URL encoding.`,
    );
  }
}

const out = (settings: ChatGraphOptions) =>
  settings.output === undefined ? {} : { outputKey: settings.output };
