import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for the chat endpoint, the GraphQL endpoint's policy (src/server/origins.ts): only the
 * configured origins (CORS_ORIGINS) get `access-control-allow-origin`; any other origin gets no
 * CORS headers, so the browser keeps the answer from the page. Same-origin pages need none.
 * Returns true when the request was a preflight (answered here).
 */
export function applyChatCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: readonly string[],
): boolean {
  const origin = req.headers.origin;
  const ok = origin !== undefined && allowed.includes(origin);
  if (ok) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', 'x-run-id');
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(
    204,
    ok
      ? {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type, last-event-id',
          'access-control-max-age': '600',
        }
      : {},
  );
  res.end();
  return true;
}
