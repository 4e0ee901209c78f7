import { GraphQLError } from 'graphql';
import { EngineError } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Yoga's maskError: known errors (AppError, EngineError) become GraphQL errors with a stable
 * `extensions.code` (and `extensions.issues` for GRAPH_INVALID); anything else is logged with its
 * stack and masked as "Unexpected error." unless the server runs with dev errors on.
 */
export function createMaskError(logger: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const graphqlError = error instanceof GraphQLError ? error : null;
    let original: unknown = graphqlError ? graphqlError.originalError : error;
    // A GraphQLError may wrap another (a bad variable wraps the scalar's error): find the cause.
    while (original instanceof GraphQLError && original.originalError)
      original = original.originalError;
    const base = {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      source: graphqlError?.source,
      positions: graphqlError?.positions,
    };
    if (original instanceof AppError) {
      return new GraphQLError(original.message, {
        ...base,
        extensions: {
          ...(original.details ?? {}),
          code: original.code,
          // A request without a valid credential is answered 401 (Yoga strips `http`).
          ...(original.code === 'UNAUTHENTICATED' ? { http: { status: 401 } } : {}),
          // Over HTTP and SSE a rate-limited call is answered 429 with Retry-After (seconds).
          ...(original.code === 'RATE_LIMITED'
            ? {
                http: {
                  status: 429,
                  headers: {
                    'retry-after': String(Math.ceil(Number(original.details?.retryAfterMs) / 1000)),
                  },
                },
              }
            : {}),
        },
      });
    }
    if (original instanceof EngineError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.code === 'GRAPH_INVALID') extensions.issues = original.details;
      else if (original.details !== undefined) extensions.details = original.details;
      if (original.nodeId) extensions.nodeId = original.nodeId;
      return new GraphQLError(original.message, { ...base, extensions });
    }
    // Errors graphql-js made itself (parse, validation, bad variables) and GraphQLErrors thrown on
    // purpose (a scalar rejecting a value) are the client's and safe. The outer message is kept: a
    // bad variable's says which variable and where, its cause only what was wrong.
    if (graphqlError && (!(original instanceof Error) || original instanceof GraphQLError)) {
      if (graphqlError.extensions.code) return graphqlError;
      const cause = original instanceof GraphQLError ? original.extensions : {};
      return new GraphQLError(graphqlError.message, {
        ...base,
        extensions: { ...cause, ...graphqlError.extensions, code: cause.code ?? 'BAD_USER_INPUT' },
      });
    }
    logger.error('unexpected error in a GraphQL operation', {
      err: original,
      path: graphqlError?.path,
    });
    return new GraphQLError(isDev ? ((original as Error)?.message ?? message) : message, {
      ...base,
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        ...(isDev ? { stack: (original as Error)?.stack } : {}),
      },
    });
  };
}
