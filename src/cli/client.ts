import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What the CLI needs of the API: one call, one subscription. */
export interface ApiClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Each `next` payload's data until the subscription completes (or fails). */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
  ): Promise<void>;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface GqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * GraphQL over HTTP (queries, mutations) and graphql-ws (subscriptions) to the server at `url`
 * (`…/graphql`), with `token` as the Bearer credential when given (an API key or a JWT).
 */
export function createApiClient(url: string, token?: string): ApiClient {
  const authorization = token ? `Bearer ${token}` : undefined;
  return {
    async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
      } catch (err) {
        throw new CliError(`cannot reach ${url}: ${(err as Error).message}`, 'UNREACHABLE');
      }
      const body = (await res.json().catch(() => ({}))) as GqlResponse<T>;
      const first = body.errors?.[0];
      if (first) throw new CliError(first.message, first.extensions?.code);
      if (!body.data) throw new CliError(`${url} answered ${res.status} without data`);
      return body.data;
    },
    subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void) {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: authorization ? { authorization } : {},
        retryAttempts: 5,
        shouldRetry: () => true,
      });
      return new Promise<void>((resolve, reject) => {
        client.subscribe<T>(
          { query, variables },
          {
            next: (msg) => {
              const first = msg.errors?.[0] as
                | { message: string; extensions?: { code?: string } }
                | undefined;
              if (first) reject(new CliError(first.message, first.extensions?.code));
              else if (msg.data) onData(msg.data as T);
            },
            error: (err) =>
              reject(
                err instanceof Error
                  ? err
                  : new CliError(
                      Array.isArray(err)
                        ? String((err[0] as { message?: string })?.message)
                        : `subscription closed (${(err as { code?: number }).code ?? 'unknown'})`,
                    ),
              ),
            complete: resolve,
          },
        );
      }).finally(() => client.dispose());
    },
  };
}
