/** The worker SDK's one HTTP call: a GraphQL POST that says whether trying again can help. */

export class GraphQLCallError extends Error {
  override readonly name = 'GraphQLCallError';
  constructor(
    message: string,
    /** `extensions.code` of the first error, or a transport reason (NETWORK, HTTP_5xx). */
    readonly code: string,
    /** Transport failures and UNAVAILABLE / RATE_LIMITED / SHUTTING_DOWN answers. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const TRANSIENT_CODES = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'SHUTTING_DOWN']);

export async function graphqlPost<T>(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new GraphQLCallError(`cannot reach ${url}: ${(err as Error).message}`, 'NETWORK', true);
  }
  let body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLCallError(
      `${url} answered ${response.status} without JSON`,
      `HTTP_${response.status}`,
      response.status >= 500 || response.status === 429,
    );
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? `HTTP_${response.status}`;
    throw new GraphQLCallError(
      first.message,
      code,
      TRANSIENT_CODES.has(code) || response.status >= 500,
    );
  }
  if (body.data === undefined)
    throw new GraphQLCallError(`${url} answered without data`, `HTTP_${response.status}`, true);
  return body.data;
}

/** Calls until it succeeds, a permanent error comes back, or `give up` says so. */
export async function withRetry<T>(
  call: () => Promise<T>,
  opts: { minDelayMs: number; maxDelayMs: number; stopped: () => boolean; deadlineMs?: number },
): Promise<T> {
  const until =
    opts.deadlineMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.deadlineMs;
  let delay = opts.minDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const transient = err instanceof GraphQLCallError && err.transient;
      if (!transient || opts.stopped() || Date.now() + delay > until) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(opts.maxDelayMs, delay * 2);
    }
  }
}
