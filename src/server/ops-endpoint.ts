import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** The operator's routes: liveness, readiness and the Prometheus scrape. */
const PATHS = new Set(['/health', '/ready', '/metrics']);

export interface OpsEndpointOptions {
  /** null when ready, else why not (database, migrations, shutting down). */
  notReady(): Promise<string | null>;
  /** The Prometheus text exposition and its content type; none: /metrics answers 404. */
  metrics?: { contentType: string; metrics(): Promise<string> };
}

export function isOpsRequest(url: string | undefined): boolean {
  return PATHS.has((url ?? '').split('?')[0] ?? '');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * `/health`: 200 while the process serves (no database call: a liveness probe must not kill a
 * process for a database outage). `/ready`: 200 once the database answers with every migration
 * applied, 503 with the reason otherwise and while shutting down. `/metrics`: Prometheus text.
 */
export function createOpsEndpoint(opts: OpsEndpointOptions): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain', 'Method not allowed\n');
    }
    if (path === '/health') return send(res, 200, 'application/json', '{"status":"ok"}\n');
    if (path === '/ready') {
      opts.notReady().then(
        (reason) =>
          reason === null
            ? send(res, 200, 'application/json', '{"status":"ready"}\n')
            : send(
                res,
                503,
                'application/json',
                `${JSON.stringify({ status: 'not ready', reason })}\n`,
              ),
        (err: unknown) =>
          send(
            res,
            503,
            'application/json',
            `${JSON.stringify({ status: 'not ready', reason: `database: ${(err as Error)?.message ?? err}` })}\n`,
          ),
      );
      return;
    }
    if (!opts.metrics) return send(res, 404, 'text/plain', 'Not found\n');
    opts.metrics.metrics().then(
      (text) => send(res, 200, opts.metrics?.contentType ?? 'text/plain', text),
      (err: unknown) =>
        send(res, 500, 'text/plain', `metrics failed: ${(err as Error)?.message}\n`),
    );
  };
}
