import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (dist/dashboard, from src/dashboard by Vite): the same place from src/
 * (tests, tsx) and from dist/ (npm start, the installed package).
 */
export const DASHBOARD_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'dashboard',
);

/** The dashboard's client-side routes (`/chat/<graph>` reaches here through the chat endpoint). */
const APP_ROUTES = /^\/(?:$|graphs(?:\/|$)|runs(?:\/|$)|tools\/?$|editor(?:\/|$)|chat\/[^/]+\/?$)/;
// One file name, no folder, never a dot first (no `..`).
const ASSET = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Same-origin only: scripts and styles from the server (React Flow sets inline style
 * attributes, hence 'unsafe-inline' for styles only), data over /graphql (HTTP and graphql-ws;
 * 'self' covers ws: of the same host), no framing.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dashboard not built</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm start</code>, which
builds what is stale) and reload. The API is at <a href="/graphql">/graphql</a>.</p>`;

export interface DashboardRoute {
  matches(url: string | undefined): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

function pathOf(url: string | undefined): string {
  const q = (url ?? '/').indexOf('?');
  return q === -1 ? (url ?? '/') : (url ?? '/').slice(0, q);
}

/**
 * Serves the dashboard at `/`: index.html for its routes, hashed files under /assets (cached for
 * a year: their names change with their content), nothing else. GET and HEAD only.
 */
export function createDashboardRoute(dir: string = DASHBOARD_DIR): DashboardRoute {
  const cache = new Map<string, Buffer>();
  const read = (file: string): Buffer | undefined => {
    const hit = cache.get(file);
    if (hit) return hit;
    if (!existsSync(file) || !statSync(file).isFile()) return undefined;
    const body = readFileSync(file);
    // index.html is read each time: a rebuild under a running server shows at the next load.
    if (!file.endsWith('index.html')) cache.set(file, body);
    return body;
  };
  return {
    matches(url) {
      const path = pathOf(url);
      return APP_ROUTES.test(path) || ASSET.test(path) || path === '/favicon.svg';
    },
    handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const path = pathOf(req.url);
      const isApp = APP_ROUTES.test(path);
      const file = isApp ? join(dir, 'index.html') : normalize(join(dir, path));
      if (!file.startsWith(dir + sep)) {
        res.writeHead(404).end();
        return;
      }
      const body = read(file);
      if (!body) {
        if (isApp)
          res
            .writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' })
            .end(NOT_BUILT);
        else res.writeHead(404, SECURITY_HEADERS).end();
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': isApp
          ? 'text/html; charset=utf-8'
          : (TYPES[extname(file)] ?? 'application/octet-stream'),
        'content-length': body.length,
        'cache-control': isApp ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
