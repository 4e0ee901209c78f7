import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { signDelivery } from '../../src/triggers/signature.js';
import type { TestApp } from '../helpers/app.js';
import {
  createGraph,
  describeBackends,
  expectError,
  getRun,
  RUNS,
  setStateGraph,
  waitForRun,
} from './operations.js';

const CREATE = `mutation Create($graphId: ID!, $input: String) {
  createWebhookTrigger(graphId: $graphId, input: $input) { secret trigger { id path input graph { id } } }
}`;
const LIST = `query List($graphId: ID) { webhookTriggers(graphId: $graphId) { id path } }`;
const DELETE = `mutation Delete($id: ID!) { deleteWebhookTrigger(id: $id) }`;

interface Created {
  createWebhookTrigger: {
    secret: string;
    trigger: { id: string; path: string; input: string | null };
  };
}

const base = (t: TestApp) => t.url.replace(/\/graphql$/, '');

interface Delivery {
  body?: string;
  secret: string;
  timestamp?: number;
  deliveryId?: string;
  signature?: string;
}

async function deliver(t: TestApp, path: string, d: Delivery) {
  const body = d.body ?? '{}';
  const timestamp = String(d.timestamp ?? Math.floor(Date.now() / 1000));
  const deliveryId = d.deliveryId ?? randomUUID();
  const res = await fetch(`${base(t)}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-aef-timestamp': timestamp,
      'x-aef-delivery': deliveryId,
      'x-aef-signature': d.signature ?? signDelivery(d.secret, timestamp, deliveryId, body),
    },
    body,
  });
  return {
    status: res.status,
    json: (await res.json()) as { runId?: string; error?: { code: string; runId?: string } },
  };
}

const runCount = async (t: TestApp, graphId: string) =>
  (await t.ok<{ runs: { edges: unknown[] } }>(RUNS, { graphId, first: 100 })).runs.edges.length;

await describeBackends(
  'webhook triggers',
  (api) => {
    let graphId: string;
    let hook: Created['createWebhookTrigger'];
    beforeAll(async () => {
      await api().listen();
      graphId = (await createGraph(api(), setStateGraph())).id;
      hook = (await api().ok<Created>(CREATE, { graphId })).createWebhookTrigger;
    });

    it('is created with a secret shown once, and listed without it', async () => {
      expect(hook.secret).toMatch(/^whsec_/);
      expect(hook.trigger.path).toBe(`/hooks/${hook.trigger.id}`);
      const list = await api().ok<{ webhookTriggers: Array<{ id: string }> }>(LIST, { graphId });
      expect(list.webhookTriggers.map((h) => h.id)).toEqual([hook.trigger.id]);
      const res = await api().gql(`{ webhookTriggers { id secret } }`);
      expect(res.errors?.[0]?.message).toContain('Cannot query field "secret"');
    });

    it('starts a run for a well-signed delivery and answers its id', async () => {
      const res = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        body: '{"order":42}',
      });
      expect(res.status).toBe(202);
      const run = await waitForRun(api(), res.json.runId as string);
      expect(run.input).toEqual({ order: 42 });
      expect(run.state).toEqual({ order: 42, done: true });
      expect(JSON.stringify(run)).not.toContain(hook.secret);
    });

    it('refuses a bad signature with 401 INVALID_SIGNATURE', async () => {
      const before = await runCount(api(), graphId);
      const wrongKey = await deliver(api(), hook.trigger.path, { secret: 'whsec_other' });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.json.error?.code).toBe('INVALID_SIGNATURE');
      const garbage = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        signature: 'sha256=00',
      });
      expect(garbage.status).toBe(401);
      // A body changed after signing.
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = signDelivery(hook.secret, ts, 'd-1', '{"a":1}');
      const tampered = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        timestamp: Number(ts),
        deliveryId: 'd-1',
        signature,
        body: '{"a":2}',
      });
      expect(tampered.status).toBe(401);
      expect(await runCount(api(), graphId)).toBe(before);
    });

    it('refuses a stale timestamp with 401 STALE_TIMESTAMP', async () => {
      const res = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        timestamp: Math.floor(Date.now() / 1000) - 3_600,
      });
      expect(res.status).toBe(401);
      expect(res.json.error?.code).toBe('STALE_TIMESTAMP');
    });

    it('refuses a replayed delivery with 409 and the first run id', async () => {
      const deliveryId = randomUUID();
      const timestamp = Math.floor(Date.now() / 1000);
      const first = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        deliveryId,
        timestamp,
      });
      expect(first.status).toBe(202);
      const replay = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        deliveryId,
        timestamp,
      });
      expect(replay.status).toBe(409);
      expect(replay.json.error).toMatchObject({
        code: 'DELIVERY_REPLAYED',
        runId: first.json.runId,
      });
    });

    it('starts one run for concurrent copies of one delivery', async () => {
      const before = await runCount(api(), graphId);
      const deliveryId = randomUUID();
      const timestamp = Math.floor(Date.now() / 1000);
      const all = await Promise.all(
        Array.from({ length: 5 }, () =>
          deliver(api(), hook.trigger.path, { secret: hook.secret, deliveryId, timestamp }),
        ),
      );
      expect(all.map((r) => r.status).sort()).toEqual([202, 409, 409, 409, 409]);
      expect(await runCount(api(), graphId)).toBe(before + 1);
    });

    it('maps the body with the trigger input expression', async () => {
      const mapped = (
        await api().ok<Created>(CREATE, {
          graphId,
          input: '{"customer": state.data.id, "kind": state.type}',
        })
      ).createWebhookTrigger;
      const res = await deliver(api(), mapped.trigger.path, {
        secret: mapped.secret,
        body: JSON.stringify({ type: 'paid', data: { id: 'c9', noise: true } }),
      });
      expect(res.status).toBe(202);
      expect((await getRun(api(), res.json.runId as string)).input).toEqual({
        customer: 'c9',
        kind: 'paid',
      });
      const bad = await deliver(api(), mapped.trigger.path, { secret: mapped.secret, body: '{}' });
      expect(bad.status).toBe(400);
    });

    it('refuses an input expression that does not compile when the trigger is created', async () => {
      const res = await api().gql(CREATE, { graphId, input: '{"a": state.' });
      expectError(res, 'BAD_USER_INPUT');
    });

    it('answers 400 without its headers, 404 for an unknown trigger, 413 past the body limit', async () => {
      const missing = await fetch(`${base(api())}${hook.trigger.path}`, {
        method: 'POST',
        body: '{}',
      });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
        'x-aef-signature',
      );
      const unknown = await deliver(api(), '/hooks/nope', { secret: hook.secret });
      expect(unknown.status).toBe(404);
      const big = await deliver(api(), hook.trigger.path, {
        secret: hook.secret,
        body: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      });
      expect(big.status).toBe(413);
    });

    it('is deleted; then its deliveries are refused', async () => {
      const temp = (await api().ok<Created>(CREATE, { graphId })).createWebhookTrigger;
      const deleted = await api().ok<{ deleteWebhookTrigger: boolean }>(DELETE, {
        id: temp.trigger.id,
      });
      expect(deleted.deleteWebhookTrigger).toBe(true);
      expect((await deliver(api(), temp.trigger.path, { secret: temp.secret })).status).toBe(404);
    });
  },
  { MAX_BODY_BYTES: '16384' },
);
