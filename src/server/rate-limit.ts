import type { IncomingMessage } from 'node:http';
import type {
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { ANONYMOUS } from '../auth/authenticate.js';
import type { Identity } from '../auth/identity.js';
import type { RateLimit, RateLimits } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

export type RateLimitKind = keyof RateLimits;

/**
 * Per-identity budgets (rate-limiter-flexible): in this process, or in Redis when REDIS_URL is set
 * so that every server shares one budget. If Redis fails, each process falls back to its own
 * in-memory budget (the library's insurance limiter) rather than refusing or allowing everything.
 */
export interface RateLimiter {
  /** Takes `points` from `key`'s budget; resolves null when allowed, else the ms until a retry may pass. */
  take(kind: RateLimitKind, key: string, points?: number): Promise<number | null>;
  enabled(kind: RateLimitKind): boolean;
  close(): Promise<void>;
}

export async function createRateLimiter(
  limits: RateLimits,
  options: { redisUrl?: string | undefined; logger: Logger; prefix?: string },
): Promise<RateLimiter> {
  const prefix = options.prefix ?? 'aef:rl:';
  const on = Object.values(limits).some((l) => l !== null);
  let redis: Redis | undefined;
  if (on && options.redisUrl) {
    // Loaded only with REDIS_URL: a server without Redis does not keep the client in memory.
    const { Redis } = await import('ioredis');
    // No offline queue: while Redis is away a call goes to the in-memory insurance at once.
    redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
    redis.on('error', (err) => options.logger.warn('redis rate limiter error', { err }));
    await redis.connect();
  }
  const build = (kind: RateLimitKind, limit: RateLimit): RateLimiterAbstract => {
    const opts = {
      points: limit.points,
      duration: limit.durationSec,
      keyPrefix: `${prefix}${kind}`,
    };
    const memory = new RateLimiterMemory(opts);
    return redis
      ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: memory })
      : memory;
  };
  const limiters = new Map<RateLimitKind, RateLimiterAbstract>();
  for (const [kind, limit] of Object.entries(limits) as Array<[RateLimitKind, RateLimit | null]>)
    if (limit) limiters.set(kind, build(kind, limit));

  return {
    enabled: (kind) => limiters.has(kind),
    async take(kind, key, points = 1) {
      const limiter = limiters.get(kind);
      if (!limiter) return null;
      try {
        await limiter.consume(key, points);
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
        // Neither Redis nor the insurance answered: let the call through, say so.
        options.logger.warn('rate limiter failed; call allowed', { err, kind });
        return null;
      }
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}

/** Whose budget a call spends: the key id or token subject, or the remote address when anonymous. */
export function rateLimitKey(
  identity: Identity | undefined,
  remoteAddress: string | undefined,
): string {
  if (identity && identity.subject !== ANONYMOUS.subject)
    return `id:${identity.tenantId}:${identity.subject}`;
  return `addr:${remoteAddress ?? 'unknown'}`;
}

export function rateLimitedError(kind: RateLimitKind, retryAfterMs: number): AppError {
  const what = kind === 'startRuns' ? 'startRun calls' : 'new connections and subscriptions';
  return new AppError(
    'RATE_LIMITED',
    `Too many ${what} for this identity; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
    { retryAfterMs },
  );
}

/** How many `fieldName` fields the operation's root selection holds (aliases and fragments included). */
function countRootFields(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  fieldName: string,
): number {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): number => {
    let n = 0;
    for (const selection of set.selections) {
      if (selection.kind === 'Field')
        n += (selection as FieldNode).name.value === fieldName ? 1 : 0;
      else if (selection.kind === 'InlineFragment') n += walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) n += walk(fragment.selectionSet);
      }
    }
    return n;
  };
  return walk(operation.selectionSet);
}

/** What the plugin reads from a context: create-server sets `transport` on graphql-ws operations. */
interface LimitedContext {
  identity?: Identity;
  req?: IncomingMessage;
  transport?: 'ws';
}

type MaskError = (error: unknown, message: string, isDev?: boolean) => Error;

/**
 * startRun (over HTTP and graphql-ws) and subscriptions over HTTP (SSE) spend the caller's budget
 * before any resolver runs; a refused operation runs nothing and answers RATE_LIMITED (429 over
 * HTTP). graphql-ws subscriptions are not counted here: their socket was, when it connected.
 */
export function useRateLimits(limiter: RateLimiter, maskError: MaskError): Plugin {
  const refuse = (kind: RateLimitKind, retryAfterMs: number) => ({
    errors: [maskError(rateLimitedError(kind, retryAfterMs), 'Unexpected error.') as never],
  });
  const keyOf = (context: LimitedContext) =>
    rateLimitKey(context.identity, context.req?.socket?.remoteAddress);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (!limiter.enabled('startRuns')) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const d of args.document.definitions)
        if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
      const starts = countRootFields(operation, fragments, 'startRun');
      if (starts === 0) return;
      const wait = await limiter.take(
        'startRuns',
        keyOf(args.contextValue as LimitedContext),
        starts,
      );
      if (wait !== null) setResultAndStopExecution(refuse('startRuns', wait));
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as LimitedContext;
      if (!limiter.enabled('connections') || context.transport === 'ws') return;
      const wait = await limiter.take('connections', keyOf(context));
      if (wait !== null) setResultAndStopExecution(refuse('connections', wait));
    },
  };
}
