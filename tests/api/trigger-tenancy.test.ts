import { beforeAll, expect, it } from 'vitest';
import { call, codeOf, dataOf, type Keys, keysFor } from './auth-helpers.js';
import { CREATE_GRAPH, describeBackends, setStateGraph, toGraphInput } from './operations.js';

const CREATE_SCHEDULE = `mutation ($graphId: ID!) {
  createSchedule(graphId: $graphId, input: { cron: "* * * * *" }) { id }
}`;
const CREATE_HOOK = `mutation ($graphId: ID!) {
  createWebhookTrigger(graphId: $graphId) { secret trigger { id } }
}`;
const READ = `query ($id: ID!) {
  schedule(id: $id) { id }
  schedules(first: 100) { edges { node { id } } }
  webhookTriggers { id }
}`;

/** Schedules and webhook triggers belong to their graph's tenant; roles as for runs. */
await describeBackends(
  'tenancy and roles of schedules and webhook triggers',
  (api) => {
    let a: Keys;
    let b: Keys;
    let graphId = '';
    let scheduleId = '';
    let hookId = '';
    beforeAll(async () => {
      a = await keysFor(api(), 'alpha');
      b = await keysFor(api(), 'beta');
      graphId = dataOf(
        await call<{ createGraph: { id: string } }>(api(), a.writer, CREATE_GRAPH, {
          input: toGraphInput(setStateGraph()),
        }),
      ).createGraph.id;
      scheduleId = dataOf(
        await call<{ createSchedule: { id: string } }>(api(), a.writer, CREATE_SCHEDULE, {
          graphId,
        }),
      ).createSchedule.id;
      hookId = dataOf(
        await call<{ createWebhookTrigger: { trigger: { id: string } } }>(
          api(),
          a.writer,
          CREATE_HOOK,
          { graphId },
        ),
      ).createWebhookTrigger.trigger.id;
    });

    it("lists the tenant's own only", async () => {
      const mine = dataOf(await call(api(), a.reader, READ, { id: scheduleId }));
      expect(mine).toEqual({
        schedule: { id: scheduleId },
        schedules: { edges: [{ node: { id: scheduleId } }] },
        webhookTriggers: [{ id: hookId }],
      });
      const theirs = dataOf(await call(api(), b.reader, READ, { id: scheduleId }));
      expect(theirs).toEqual({ schedule: null, schedules: { edges: [] }, webhookTriggers: [] });
    });

    it("refuses another tenant's graph, schedule and trigger as not found", async () => {
      for (const [query, variables] of [
        [CREATE_SCHEDULE, { graphId }],
        [CREATE_HOOK, { graphId }],
        ['mutation ($id: ID!) { pauseSchedule(id: $id) { id } }', { id: scheduleId }],
        ['mutation ($id: ID!) { deleteSchedule(id: $id) }', { id: scheduleId }],
        ['mutation ($id: ID!) { deleteWebhookTrigger(id: $id) }', { id: hookId }],
      ] as const) {
        expect(codeOf(await call(api(), b.writer, query, variables))).toBe('NOT_FOUND');
      }
    });

    it('lets a reader read but not create, pause or delete', async () => {
      expect(codeOf(await call(api(), a.reader, CREATE_SCHEDULE, { graphId }))).toBe('FORBIDDEN');
      expect(codeOf(await call(api(), a.reader, CREATE_HOOK, { graphId }))).toBe('FORBIDDEN');
      const pause = 'mutation ($id: ID!) { pauseSchedule(id: $id) { id } }';
      expect(codeOf(await call(api(), a.reader, pause, { id: scheduleId }))).toBe('FORBIDDEN');
    });
  },
  { AUTH: 'apikey' },
);
