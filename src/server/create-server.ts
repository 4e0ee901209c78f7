import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { type ExecutionArgs, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Authenticate } from '../auth/authenticate.js';
import type { Identity } from '../auth/identity.js';
import type { Limits } from '../config.js';
import type { Logger } from '../logger.js';
import type { AppContext, Context } from '../schema/context.js';
import { createMaskError } from '../schema/errors.js';
import type { DashboardRoute } from './dashboard.js';
import { graphiqlOptions, renderOfflineGraphiQL } from './graphiql.js';
import { codeLimitErrors } from './limit-errors.js';
import { createLimitPlugins } from './limits.js';
import { corsFor, isAllowedUpgrade } from './origins.js';
import { type RateLimiter, rateLimitedError, rateLimitKey, useRateLimits } from './rate-limit.js';

/** What Yoga's context factory receives: a socket's identity was checked at connection_init. */
interface ServerContext {
  identity?: Identity;
}

export interface HttpServer {
  yoga: YogaServerInstance<ServerContext, Context>;
  http: Server;
  /** Closes subscriptions (graphql-ws with 1001 Going Away) and the listening socket. */
  close(): Promise<void>;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';

/** A gauge as the server moves it. */
export interface UpDown {
  inc(): void;
  dec(): void;
}

interface EnvelopedArgs extends ExecutionArgs {
  rootValue: {
    execute: (args: ExecutionArgs) => unknown;
    subscribe: (args: ExecutionArgs) => unknown;
  };
}

/**
 * graphql-yoga on node:http at /graphql (GraphiQL, HTTP, SSE subscriptions) and graphql-ws on the
 * same port and path. Both go through Yoga's envelop, so error masking and context are the same.
 */
export function createHttpServer(opts: {
  schema: GraphQLSchema;
  context: AppContext;
  /** Checks the Authorization value of a request or a socket's connection_init. */
  authenticate: Authenticate;
  logger: Logger;
  devErrors: boolean;
  limits: Limits;
  /** Per-identity budgets for startRun and connections (README "Rate limits"); none: unlimited. */
  rateLimiter?: RateLimiter;
  /** Answers `/mcp` (the graphs-as-MCP-tools endpoint) before Yoga sees the request. */
  mcp?: { matches(url: string | undefined): boolean; handle: RequestListener };
  /** Answers `/hooks/<id>` (webhook triggers) before Yoga sees the request. */
  hooks?: { matches(url: string | undefined): boolean; handle: RequestListener };
  /** Answers `/chat/<graph>` (the AI SDK UI message stream transport) before Yoga sees it. */
  chat?: { matches(url: string | undefined): boolean; handle: RequestListener };
  /** The dashboard at `/` and its assets (src/server/dashboard.ts). */
  dashboard?: DashboardRoute;
  /** Answers `/health`, `/ready` and `/metrics` before Yoga sees the request. */
  ops?: { matches(url: string | undefined): boolean; handle: RequestListener };
  /** Gauges of open subscriptions and WebSocket connections (see src/observability). */
  gauges?: { subscriptions: UpDown; websockets: UpDown };
  /** false (ROLE=worker): only `ops` is answered (404 for the rest, no WebSocket server). */
  serveApi?: boolean;
  /** Runs each HTTP request in the W3C trace context its headers carry. */
  traced?: (req: IncomingMessage, handle: () => void) => void;
}): HttpServer {
  const maskError = codeLimitErrors(createMaskError(opts.logger));
  const yoga = createYoga<ServerContext, Context>({
    schema: opts.schema,
    // One check for every transport: HTTP and SSE carry the header, a socket its connection_init
    // (checked once in onConnect and handed down here).
    context: async (initial) => ({
      ...opts.context,
      identity:
        initial.identity ??
        (await opts.authenticate(initial.request.headers.get('authorization') ?? undefined)),
    }),
    graphqlEndpoint: '/graphql',
    // GraphiQL builds itself from introspection: without it there is nothing to show. Its
    // assets come from node_modules, not a CDN; it opens on the README tour, one tab each.
    graphiql: opts.limits.introspection && graphiqlOptions(),
    renderGraphiQL: renderOfflineGraphiQL,
    maskedErrors: { maskError, isDev: opts.devErrors },
    cors: corsFor(opts.limits.corsOrigins),
    maxRequestBodySize: opts.limits.maxBodyBytes,
    plugins: [
      ...createLimitPlugins(opts.limits),
      ...(opts.rateLimiter ? [useRateLimits(opts.rateLimiter, maskError)] : []),
      ...(opts.gauges ? [subscriptionGauge(opts.gauges.subscriptions)] : []),
    ],
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args) => opts.logger.warn(String(args[0]), { args: args.slice(1) }),
      error: (...args) => opts.logger.error(String(args[0]), { args: args.slice(1) }),
    },
    landingPage: false,
  });

  const routes = [opts.ops, opts.mcp, opts.hooks, opts.chat, opts.dashboard].filter(
    (r) => r !== undefined,
  );
  const apiOff = opts.serveApi === false;
  const routed: RequestListener = apiOff
    ? (req, res) => {
        if (opts.ops?.matches(req.url)) return opts.ops.handle(req, res);
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end(
            'Not found: a worker process (ROLE=worker) serves /health, /ready and /metrics only.\n',
          );
      }
    : routes.length > 0
      ? (req, res) => {
          const route = routes.find((r) => r.matches(req.url));
          return route ? route.handle(req, res) : yoga(req, res);
        }
      : yoga;
  const traced = opts.traced;
  const http = createServer(traced ? (req, res) => traced(req, () => routed(req, res)) : routed);
  const wss = new WebSocketServer({
    // A worker process takes no sockets: `noServer` leaves upgrades unanswered.
    ...(apiOff ? { noServer: true } : { server: http }),
    path: yoga.graphqlEndpoint,
    // A bigger frame closes the socket with 1009 before it is buffered whole or parsed.
    maxPayload: opts.limits.maxWsPayloadBytes,
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      isAllowedUpgrade(req, opts.limits.corsOrigins),
  });
  const ws = useServer<Record<string, unknown> | undefined, { identity?: Identity }>(
    {
      // A refused socket is closed 4403 Forbidden before any subscription starts, one over its
      // identity's connection budget 4429.
      onConnect: async (ctx) => {
        try {
          const params = ctx.connectionParams ?? {};
          const authorization = params.authorization ?? params.Authorization;
          ctx.extra.identity = await opts.authenticate(authorization);
        } catch {
          return false;
        }
        const key = rateLimitKey(ctx.extra.identity, ctx.extra.request.socket.remoteAddress);
        const wait = await opts.rateLimiter?.take('connections', key);
        if (wait !== null && wait !== undefined) {
          // Closed before graphql-ws answers `false` (which would close 4403: a no-op by then).
          ctx.extra.socket.close(4429, rateLimitedError('connections', wait).message.slice(0, 120));
          return false;
        }
        return true;
      },
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      // A subscription refused when it is made (NOT_FOUND, FORBIDDEN) answers with an `error`
      // message, as bad operations do, never with `next` + `complete`: complete means the run
      // ended, and clients would stop following it.
      subscribe: async (args) => {
        const result = await (args as EnvelopedArgs).rootValue.subscribe(args);
        const errors = (result as { errors?: readonly GraphQLError[] }).errors;
        if (isAsyncIterable(result) || !errors?.length) return result as never;
        const refused: AsyncIterableIterator<never> = {
          next: () => Promise.reject(errors[0]),
          return: () => Promise.resolve({ done: true, value: undefined }),
          [Symbol.asyncIterator]: () => refused,
        };
        return refused as never;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          identity: ctx.extra.identity,
          // Not an HTTP subscription: the rate limit counted this socket when it connected.
          transport: 'ws',
        });
        // A bad operation answers its own id with an error; it must not close the socket.
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const args: EnvelopedArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
    },
    wss,
  );
  const websockets = opts.gauges?.websockets;
  if (websockets)
    wss.on('connection', (socket) => {
      websockets.inc();
      socket.once('close', () => websockets.dec());
    });

  return {
    yoga,
    http,
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Counts subscriptions whose result is a stream, over every transport, until the stream ends. */
function subscriptionGauge(gauge: UpDown): Plugin {
  return {
    onSubscribe: () => ({
      onSubscribeResult({ result }) {
        if (!isAsyncIterable(result)) return;
        gauge.inc();
        let open = true;
        return {
          onEnd() {
            if (open) gauge.dec();
            open = false;
          },
        };
      },
    }),
  };
}
