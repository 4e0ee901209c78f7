import type { IncomingMessage } from 'node:http';
import type { CORSOptions } from 'graphql-yoga';

/**
 * CORS for Yoga: only the configured origins get `access-control-allow-origin` (with
 * credentials); any other origin gets no CORS headers at all, so the browser keeps the answer
 * from the page. Same-origin pages (GraphiQL at /graphql) need no CORS headers.
 */
export function corsFor(allowed: readonly string[]): (request: Request) => CORSOptions {
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.includes(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      maxAge: 600,
    };
  };
}

/**
 * Whether a WebSocket upgrade may proceed: browsers send `Origin` on every upgrade and do not
 * apply CORS to WebSockets, so a foreign page could otherwise open graphql-ws on a user's
 * behalf. No Origin (a server-side client), the server's own origin or a configured one pass.
 */
export function isAllowedUpgrade(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
