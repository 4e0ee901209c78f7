import { createClient as createWsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { authorizationOf } from './auth.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * One urql client per credential: queries and mutations over HTTP POST (the server's CSRF rule
 * refuses GETs without its header), subscriptions over graphql-ws on the same URL.
 * `onUnauthenticated` is called when the API answers UNAUTHENTICATED, so the app can ask.
 */
export function createApiClient(credential: string | null, onUnauthenticated: () => void) {
  const authorization = authorizationOf(credential);
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`;
  const ws = createWsClient({
    url: wsUrl,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    retryAttempts: 20,
    // 4403: the credential was refused at connection_init; retrying it cannot help.
    shouldRetry: (event) => (event as CloseEvent | undefined)?.code !== 4403,
    on: {
      closed: (event) => {
        if ((event as CloseEvent | undefined)?.code === 4403) onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: GRAPHQL_PATH,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => ({
      headers: authorization ? { authorization } : ({} as Record<string, string>),
    }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}

/** Whether an urql error is the API refusing the credential (or asking for one). */
export function isUnauthenticated(
  error:
    | {
        graphQLErrors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
        response?: { status?: number };
      }
    | undefined,
): boolean {
  if (!error) return false;
  if (error.response?.status === 401) return true;
  return (error.graphQLErrors ?? []).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}
