import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type ExecutionArgs, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Limits } from '../config.js';
import type { Logger } from '../logger.js';
import type { Context } from '../schema/context.js';
import { createMaskError } from '../schema/errors.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import { codeLimitErrors } from './limit-errors.js';
import { createLimitPlugins } from './limits.js';
import { corsFor, isAllowedUpgrade } from './origins.js';

export interface HttpServer {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  http: Server;
  /** Closes subscriptions (graphql-ws with 1001 Going Away) and the listening socket. */
  close(): Promise<void>;
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
  context: Context;
  logger: Logger;
  devErrors: boolean;
  limits: Limits;
}): HttpServer {
  const maskError = codeLimitErrors(createMaskError(opts.logger));
  const yoga = createYoga<Record<string, never>, Context>({
    schema: opts.schema,
    context: () => opts.context,
    graphqlEndpoint: '/graphql',
    // GraphiQL builds itself from introspection: without it there is nothing to show.
    graphiql: opts.limits.introspection && {
      title: 'Agent Execution Framework',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      subscriptionsProtocol: 'WS',
    },
    maskedErrors: { maskError, isDev: opts.devErrors },
    cors: corsFor(opts.limits.corsOrigins),
    maxRequestBodySize: opts.limits.maxBodyBytes,
    plugins: createLimitPlugins(opts.limits),
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args) => opts.logger.warn(String(args[0]), { args: args.slice(1) }),
      error: (...args) => opts.logger.error(String(args[0]), { args: args.slice(1) }),
    },
    landingPage: false,
  });

  const http = createServer(yoga);
  const wss = new WebSocketServer({
    server: http,
    path: yoga.graphqlEndpoint,
    // A bigger frame closes the socket with 1009 before it is buffered whole or parsed.
    maxPayload: opts.limits.maxWsPayloadBytes,
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      isAllowedUpgrade(req, opts.limits.corsOrigins),
  });
  const ws = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
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
