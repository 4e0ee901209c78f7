import type { RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { WebhookService } from '../triggers/webhook-service.js';
import type { RateLimiter } from './rate-limit.js';
import { readBody } from './read-body.js';

/** Webhook deliveries: `POST /hooks/<trigger id>`. */
export const HOOKS_PATH = '/hooks/';

export const isHookRequest = (url: string | undefined): boolean =>
  url?.startsWith(HOOKS_PATH) === true;

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * The HTTP edge of webhook triggers: method, path, body size (the API's MAX_BODY_BYTES) and the
 * startRun rate limit per trigger; the service checks the signature and starts the run.
 */
export function createWebhookEndpoint(opts: {
  hooks: WebhookService;
  maxBodyBytes: number;
  logger: Logger;
  rateLimiter?: RateLimiter;
}): RequestListener {
  return async (req, res) => {
    try {
      if (req.method !== 'POST') {
        reply(res, 405, error('METHOD_NOT_ALLOWED', 'Deliver with POST.'), { allow: 'POST' });
        return;
      }
      const path = (req.url ?? '').split('?')[0] as string;
      const id = decodeURIComponent(path.slice(HOOKS_PATH.length));
      if (id === '' || id.includes('/')) {
        reply(res, 404, error('NOT_FOUND', 'POST to /hooks/<trigger id>.'));
        return;
      }
      const wait = await opts.rateLimiter?.take('startRuns', `hook:${id}`);
      if (wait !== null && wait !== undefined) {
        const seconds = Math.ceil(wait / 1000);
        reply(res, 429, error('RATE_LIMITED', `Too many deliveries; retry in ${seconds} s.`), {
          'retry-after': String(seconds),
        });
        return;
      }
      const body = await readBody(req, opts.maxBodyBytes);
      if (body === null) {
        reply(res, 413, error('PAYLOAD_TOO_LARGE', `The body passes ${opts.maxBodyBytes} bytes.`));
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers))
        headers[name] = Array.isArray(value) ? value[0] : value;
      const answer = await opts.hooks.deliver(id, headers, body);
      reply(res, answer.status, answer.body, answer.headers);
    } catch (err) {
      opts.logger.error('webhook delivery failed', { err });
      if (!res.headersSent) reply(res, 500, error('INTERNAL_SERVER_ERROR', 'Unexpected error.'));
    }
  };
}
