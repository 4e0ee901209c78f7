import { randomBytes } from 'node:crypto';
import { compileExpression, type Expression, type State } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import type { GraphStore } from '../runs/ports.js';
import type { RunService } from '../runs/run-service.js';
import type { WebhookStore, WebhookTriggerRecord } from './ports.js';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from './signature.js';

/** What the HTTP edge answers: a status and a JSON body. */
export interface HookReply {
  status: number;
  body:
    | { runId: string; status: string }
    | { error: { code: string; message: string; runId?: string | null } };
  headers?: Record<string, string>;
}

export interface WebhookServiceDeps {
  store: WebhookStore;
  graphs: GraphStore;
  runs: Pick<RunService, 'start'>;
  logger: Logger;
  /** A delivery whose timestamp is further from now than this is refused (5 min). */
  toleranceMs: number;
  now?: () => number;
}

const fail = (status: number, code: string, message: string, extra = {}): HookReply => ({
  status,
  body: { error: { code, message, ...extra } },
});

/** AppError codes of a start, as HTTP statuses. */
const START_STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONCURRENCY_LIMIT: 409,
  VERSION_NOT_FOUND: 409,
  SHUTTING_DOWN: 503,
  UNAVAILABLE: 503,
};

/**
 * Webhook triggers: `POST /hooks/<id>` starts a run of the trigger's graph. The sender signs
 * `<timestamp>.<delivery id>.<body>` with HMAC-SHA256 and the trigger's secret (shown once, at
 * creation); the server checks the signature in constant time, refuses a timestamp outside the
 * tolerance and a delivery id it has seen (stored: one primary key, so concurrent replays are
 * refused too), maps the JSON body to the run input with the trigger's CEL expression, and
 * answers the run id.
 */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { store, graphs, runs, logger, toleranceMs } = deps;
  const now = deps.now ?? Date.now;
  const mappings = new Map<string, Expression>();
  let prunedAt = 0;

  function compileMapping(source: string): Expression {
    const compiled = compileExpression(source);
    if (!compiled.ok)
      throw new AppError(
        'BAD_USER_INPUT',
        `input is not a CEL expression: ${compiled.message}. It reads the request body as \`state\`, e.g. {"customer": state.customer.id}.`,
      );
    return compiled.expression;
  }

  function mappingOf(trigger: WebhookTriggerRecord): Expression | null {
    if (trigger.input === null) return null;
    let expression = mappings.get(trigger.id);
    if (!expression) {
      expression = compileMapping(trigger.input);
      mappings.set(trigger.id, expression);
    }
    return expression;
  }

  /** The run input from the raw body: the JSON object, mapped by the trigger's expression. */
  function inputOf(
    trigger: WebhookTriggerRecord,
    raw: string,
  ): { ok: true; input: State } | { ok: false; reply: HookReply } {
    const bad = (message: string) => ({
      ok: false as const,
      reply: fail(400, 'BAD_USER_INPUT', message),
    });
    let body: unknown;
    try {
      body = raw === '' ? {} : JSON.parse(raw);
    } catch {
      return bad('The body must be JSON.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return bad('The body must be a JSON object.');
    const mapping = mappingOf(trigger);
    if (!mapping) return { ok: true, input: body as State };
    let value: unknown;
    try {
      value = mapping.evaluate(body as State);
    } catch (err) {
      return bad(`The trigger's input expression failed on this body: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return bad("The trigger's input expression did not give an object.");
    return { ok: true, input: value as State };
  }

  function prune(at: number): void {
    if (at - prunedAt < 60_000) return;
    prunedAt = at;
    // A delivery older than twice the tolerance can only come back with a refused timestamp.
    store
      .pruneDeliveries(new Date(at - 2 * toleranceMs))
      .catch((err) => logger.warn('could not prune webhook deliveries', { err }));
  }

  return {
    /** Creates a trigger; the secret is in this answer only. */
    async create(tenantId: string, graphId: string, input: string | null) {
      const graph = await graphs.get(graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', graphId);
      if (input !== null) compileMapping(input);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const trigger = await store.create({ id: uuidv7(), tenantId, graphId, secret, input });
      return { trigger, secret };
    },

    async delete(id: string, tenantId: string) {
      const trigger = await store.get(id);
      if (!trigger || trigger.tenantId !== tenantId) throw notFound('Webhook trigger', id);
      mappings.delete(id);
      return store.delete(id);
    },

    /** One delivery: checks, then the run. Never throws for the caller's mistakes. */
    async deliver(
      triggerId: string,
      headers: Record<string, string | undefined>,
      raw: string,
    ): Promise<HookReply> {
      const timestamp = headers[TIMESTAMP_HEADER];
      const deliveryId = headers[DELIVERY_HEADER];
      const signature = headers[SIGNATURE_HEADER];
      const missing = [TIMESTAMP_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER].filter(
        (h) => !headers[h],
      );
      if (missing.length > 0 || !timestamp || !deliveryId || !signature)
        return fail(400, 'BAD_REQUEST', `Missing header(s): ${missing.join(', ')}.`);
      if (deliveryId.length > 200)
        return fail(400, 'BAD_REQUEST', `${DELIVERY_HEADER} must have at most 200 characters.`);
      const trigger = await store.get(triggerId);
      if (!trigger) return fail(404, 'NOT_FOUND', `Webhook trigger "${triggerId}" does not exist.`);
      if (!verifySignature(trigger.secret, timestamp, deliveryId, raw, signature))
        return fail(
          401,
          'INVALID_SIGNATURE',
          `The signature does not match: send ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "<timestamp>.<delivery id>.<body>" with the trigger's secret>.`,
        );
      const at = now();
      const sentAt = Number(timestamp) * 1000;
      if (!Number.isFinite(sentAt) || Math.abs(at - sentAt) > toleranceMs)
        return fail(
          401,
          'STALE_TIMESTAMP',
          `${TIMESTAMP_HEADER} must be the Unix time in seconds, within ${Math.round(toleranceMs / 1000)} s of the server's clock.`,
        );
      const mapped = inputOf(trigger, raw);
      if (!mapped.ok) return mapped.reply;
      prune(at);
      const seen = await store.recordDelivery(trigger.id, deliveryId, new Date(at));
      if (seen)
        return fail(409, 'DELIVERY_REPLAYED', `Delivery "${deliveryId}" was already received.`, {
          runId: seen.runId,
        });
      try {
        const run = await runs.start(trigger.graphId, mapped.input, trigger.tenantId, {
          idempotencyKey: `hook:${trigger.id}:${deliveryId}`,
        });
        await store.setDeliveryRun(trigger.id, deliveryId, run.id);
        return { status: 202, body: { runId: run.id, status: run.status } } satisfies HookReply;
      } catch (err) {
        // Not started: the sender may deliver it again.
        await store.forgetDelivery(trigger.id, deliveryId).catch(() => {});
        if (err instanceof AppError && START_STATUS[err.code])
          return fail(START_STATUS[err.code] as number, err.code, err.message);
        throw err;
      }
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
