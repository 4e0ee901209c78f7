import {
  type Client,
  type ClientOptions,
  createClient,
  type FormattedExecutionResult,
} from 'graphql-ws';
import WebSocket from 'ws';
import { EVENT_FIELDS, type EventView, poll } from './gql.js';

/**
 * A graphql-ws client over the `ws` package that never retries: a dropped socket must show up
 * in the test as an error, not be papered over by a reconnect.
 */
export function wsClient(url: string, options: Partial<ClientOptions> = {}): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...options });
}

export type Outcome = { kind: 'complete' } | { kind: 'error'; error: unknown };

/** One subscription whose every `next` payload is collected until it completes or errors. */
export interface Collected<T> {
  readonly results: FormattedExecutionResult<T, unknown>[];
  /** Set once the subscription ended. */
  readonly outcome: Outcome | null;
  /** Settles when the server completes the subscription or it errors (never rejects). */
  readonly done: Promise<Outcome>;
  /** Resolves once `predicate` holds for the results so far; rejects on timeout. */
  until(
    what: string,
    predicate: (results: FormattedExecutionResult<T, unknown>[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  unsubscribe(): void;
}

export function collect<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Collected<T> {
  const results: FormattedExecutionResult<T, unknown>[] = [];
  let outcome: Outcome | null = null;
  let settle: (o: Outcome) => void = () => {};
  const done = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  const end = (o: Outcome) => {
    if (outcome) return;
    outcome = o;
    settle(o);
  };
  const unsubscribe = client.subscribe<T>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (result) => void results.push(result),
      error: (error) => end({ kind: 'error', error }),
      complete: () => end({ kind: 'complete' }),
    },
  );
  return {
    results,
    get outcome() {
      return outcome;
    },
    done,
    until: (what, predicate, timeoutMs = 30_000) =>
      poll(
        what,
        async () => {
          if (predicate(results)) return true;
          if (outcome) throw new Error(`subscription ended (${JSON.stringify(outcome)}) first`);
          return undefined;
        },
        timeoutMs,
        10,
      ).then(() => undefined),
    unsubscribe,
  };
}

export const RUN_EVENTS_SUBSCRIPTION = `subscription ($runId: ID!, $afterSeq: Int) {
  runEvents(runId: $runId, afterSeq: $afterSeq) { ${EVENT_FIELDS} }
}`;

/** The runEvents subscription, collected. */
export function collectRunEvents(
  client: Client,
  runId: string,
  afterSeq = 0,
): Collected<{ runEvents: EventView }> {
  return collect<{ runEvents: EventView }>(client, RUN_EVENTS_SUBSCRIPTION, { runId, afterSeq });
}

/** The events a runEvents subscription delivered; throws if any payload carried errors. */
export function eventsOf(sub: Collected<{ runEvents: EventView }>): EventView[] {
  return sub.results.map((r) => {
    if (r.errors?.length || !r.data) throw new Error(`error payload: ${JSON.stringify(r)}`);
    return r.data.runEvents;
  });
}

interface ErrorShape {
  message?: unknown;
  extensions?: { code?: unknown };
}

/** The GraphQL errors a subscription got: in `next` payloads and in its `error` outcome. */
function errorsOf(sub: Collected<unknown>): ErrorShape[] {
  const list = (value: unknown): ErrorShape[] => (Array.isArray(value) ? value : []);
  const errors = sub.results.flatMap((r) => list(r.errors));
  if (sub.outcome?.kind === 'error') errors.push(...list(sub.outcome.error));
  return errors;
}

/** `extensions.code` of every error a subscription got. */
export function errorCodes(sub: Collected<unknown>): string[] {
  return errorsOf(sub).map((e) => String(e.extensions?.code));
}

/** The message of every error a subscription got. */
export function errorMessages(sub: Collected<unknown>): string[] {
  return errorsOf(sub).map((e) => String(e.message));
}
