import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import {
  CANCEL_RUN,
  createGraph,
  describeBackends,
  expectError,
  RUNS,
  type RunStatus,
  setStateGraph,
  uniqueName,
  waitForRun,
} from './operations.js';

const SCHEDULE_FIELDS = `id cron timezone input overlap paused nextFireAt lastFireAt createdAt
  graph { id } lastRun { id status input }`;

const CREATE = `mutation Create($graphId: ID!, $input: ScheduleInput!) {
  createSchedule(graphId: $graphId, input: $input) { ${SCHEDULE_FIELDS} }
}`;
const SCHEDULE = `query One($id: ID!) { schedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const SCHEDULES = `query List($graphId: ID) {
  schedules(graphId: $graphId, first: 100) { edges { node { id cron paused } } }
}`;
const PAUSE = `mutation Pause($id: ID!) { pauseSchedule(id: $id) { id paused nextFireAt } }`;
const RESUME = `mutation Resume($id: ID!) { resumeSchedule(id: $id) { id paused nextFireAt } }`;
const DELETE = `mutation Delete($id: ID!) { deleteSchedule(id: $id) }`;

interface ScheduleData {
  id: string;
  cron: string;
  timezone: string;
  input: unknown;
  overlap: string;
  paused: boolean;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastRun: { id: string; status: RunStatus; input: unknown } | null;
}

function longGraph(): GraphDef {
  return {
    name: uniqueName('long'),
    nodes: [{ id: 'wait', tool: 'delay', config: { ms: 60_000 } }],
    edges: [],
    entry: 'wait',
  };
}

async function createSchedule(t: TestApp, graphId: string, input: Record<string, unknown>) {
  return (await t.ok<{ createSchedule: ScheduleData }>(CREATE, { graphId, input })).createSchedule;
}

const getSchedule = async (t: TestApp, id: string) =>
  (await t.ok<{ schedule: ScheduleData | null }>(SCHEDULE, { id })).schedule as ScheduleData;

const runIds = async (t: TestApp, graphId: string) =>
  (
    await t.ok<{ runs: { edges: Array<{ node: { id: string } }> } }>(RUNS, { graphId, first: 100 })
  ).runs.edges.map((e) => e.node.id);

/** Fires the schedule's next fire on `t` (its clock set to that time); returns what it did. */
async function fireNext(t: TestApp, id: string, lateMs = 0) {
  const at = Date.parse((await getSchedule(t, id)).nextFireAt as string) + lateMs;
  return t.app.schedules.tick(at);
}

await describeBackends(
  'schedules',
  (api) => {
    // tick() fires every due schedule of the database: each test sees only its own.
    afterEach(async () => {
      await api().app.db.prisma.schedule.updateMany({ data: { paused: true } });
    });

    it('refuses a bad cron, time zone and input, listing every problem', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const res = await api().gql(CREATE, {
        graphId: graph.id,
        input: { cron: 'every day', timezone: 'Mars/Olympus', input: [1] },
      });
      const error = expectError(res, 'BAD_USER_INPUT');
      expect(error.extensions?.problems).toHaveLength(3);
      expect(error.message).toContain('timezone "Mars/Olympus"');
      expect(error.message).toContain('cron "every day"');
      expectError(
        await api().gql(CREATE, { graphId: 'nope', input: { cron: '* * * * *' } }),
        'NOT_FOUND',
      );
    });

    it('is created with its next fire, listed, and read back', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const before = Date.now();
      const s = await createSchedule(api(), graph.id, {
        cron: '0 9 * * *',
        timezone: 'Europe/Paris',
        input: { who: 'cron' },
      });
      expect(s).toMatchObject({
        overlap: 'SKIP',
        paused: false,
        lastRun: null,
        input: { who: 'cron' },
      });
      const next = Date.parse(s.nextFireAt as string);
      expect(next).toBeGreaterThan(before);
      expect(next - before).toBeLessThanOrEqual(86_400_000 + 3_600_000);
      const list = await api().ok<{ schedules: { edges: Array<{ node: { id: string } }> } }>(
        SCHEDULES,
        { graphId: graph.id },
      );
      expect(list.schedules.edges.map((e) => e.node.id)).toEqual([s.id]);
    });

    it('starts one run per fire, with the schedule input', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *', input: { n: 1 } });
      expect(await fireNext(api(), s.id)).toEqual({ started: 1, skipped: 0 });
      const after = await getSchedule(api(), s.id);
      expect(after.lastFireAt).toBe(s.nextFireAt);
      expect(Date.parse(after.nextFireAt as string) - Date.parse(s.nextFireAt as string)).toBe(
        60_000,
      );
      const run = await waitForRun(api(), after.lastRun?.id as string);
      expect(run.state).toEqual({ n: 1, done: true });
      // The same instant again: nothing is due any more.
      expect(await api().app.schedules.tick(Date.parse(s.nextFireAt as string))).toEqual({
        started: 0,
        skipped: 0,
      });
      expect(await runIds(api(), graph.id)).toHaveLength(1);
    });

    it('catches up at most one missed fire after downtime', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *' });
      // Ten minutes late: ten fires were missed; one runs, the next is computed from now.
      const late = Date.parse(s.nextFireAt as string) + 10 * 60_000 + 5_000;
      expect(await api().app.schedules.tick(late)).toEqual({ started: 1, skipped: 0 });
      expect(await api().app.schedules.tick(late)).toEqual({ started: 0, skipped: 0 });
      const after = await getSchedule(api(), s.id);
      expect(after.lastFireAt).toBe(s.nextFireAt);
      expect(Date.parse(after.nextFireAt as string)).toBe(late - 5_000 + 60_000);
      expect(await runIds(api(), graph.id)).toHaveLength(1);
    });

    it('does not fire while paused; resumes from the next fire after now', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *' });
      const paused = await api().ok<{ pauseSchedule: { paused: boolean } }>(PAUSE, { id: s.id });
      expect(paused.pauseSchedule.paused).toBe(true);
      expect(await api().app.schedules.tick(Date.now() + 3_600_000)).toMatchObject({ started: 0 });
      expect(await runIds(api(), graph.id)).toHaveLength(0);
      const resumed = await api().ok<{ resumeSchedule: { paused: boolean; nextFireAt: string } }>(
        RESUME,
        { id: s.id },
      );
      expect(resumed.resumeSchedule.paused).toBe(false);
      expect(Date.parse(resumed.resumeSchedule.nextFireAt)).toBeGreaterThan(Date.now() - 1_000);
      expect(await fireNext(api(), s.id)).toEqual({ started: 1, skipped: 0 });
    });

    it('overlap SKIP: no run for a fire while the previous run is active', async () => {
      const graph = await createGraph(api(), longGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *', overlap: 'SKIP' });
      expect(await fireNext(api(), s.id)).toEqual({ started: 1, skipped: 0 });
      const first = (await getSchedule(api(), s.id)).lastRun?.id as string;
      await waitForRun(api(), first, ['RUNNING']);
      expect(await fireNext(api(), s.id)).toEqual({ started: 0, skipped: 1 });
      expect(await runIds(api(), graph.id)).toEqual([first]);
      await api().ok(CANCEL_RUN, { id: first });
    });

    it('overlap ENQUEUE: the fire waits for the previous run, then runs', async () => {
      const graph = await createGraph(api(), longGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *', overlap: 'ENQUEUE' });
      await fireNext(api(), s.id);
      const first = (await getSchedule(api(), s.id)).lastRun?.id as string;
      await waitForRun(api(), first, ['RUNNING']);
      expect(await fireNext(api(), s.id)).toEqual({ started: 1, skipped: 0 });
      const second = (await getSchedule(api(), s.id)).lastRun as ScheduleData['lastRun'];
      expect(second?.status).toBe('QUEUED');
      await api().ok(CANCEL_RUN, { id: first });
      await waitForRun(api(), second?.id as string, ['RUNNING']);
      await api().ok(CANCEL_RUN, { id: second?.id });
    });

    it('overlap CANCEL_PREVIOUS: the fire cancels the previous run and runs', async () => {
      const graph = await createGraph(api(), longGraph());
      const s = await createSchedule(api(), graph.id, {
        cron: '* * * * *',
        overlap: 'CANCEL_PREVIOUS',
      });
      await fireNext(api(), s.id);
      const first = (await getSchedule(api(), s.id)).lastRun?.id as string;
      await waitForRun(api(), first, ['RUNNING']);
      await fireNext(api(), s.id);
      const second = (await getSchedule(api(), s.id)).lastRun?.id as string;
      expect((await waitForRun(api(), first)).status).toBe('CANCELLED');
      await waitForRun(api(), second, ['RUNNING']);
      await api().ok(CANCEL_RUN, { id: second });
    });

    it('is deleted; then it is gone', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * *' });
      expect(
        (await api().ok<{ deleteSchedule: boolean }>(DELETE, { id: s.id })).deleteSchedule,
      ).toBe(true);
      expect((await api().ok<{ schedule: null }>(SCHEDULE, { id: s.id })).schedule).toBeNull();
      expectError(await api().gql(DELETE, { id: s.id }), 'NOT_FOUND');
    });
  },
  { SCHEDULER_INTERVAL_MS: '0' },
);

await describeBackends(
  'schedules fired by the background ticker',
  (api) => {
    it('starts runs on its own, every second', async () => {
      await api().listen();
      const graph = await createGraph(api(), setStateGraph());
      const s = await createSchedule(api(), graph.id, { cron: '* * * * * *' });
      await waitUntil(async () => ((await runIds(api(), graph.id)).length >= 2 ? true : undefined));
      await api().ok(PAUSE, { id: s.id });
    });
  },
  { SCHEDULER_INTERVAL_MS: '50' },
);

const skip = await postgresUnavailable();

describe.skipIf(skip !== null)('schedules on two servers (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    const env = { SEED_EXAMPLES: 'false', SCHEDULER_INTERVAL_MS: '20' };
    a = await createTestApp({ db, env });
    b = await createTestApp({ db, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('claims each fire exactly once when both servers tick at the same instant', async () => {
    const graph = await createGraph(a, setStateGraph());
    const s = await createSchedule(a, graph.id, { cron: '* * * * *' });
    for (let fire = 1; fire <= 5; fire++) {
      const at = Date.parse((await getSchedule(a, s.id)).nextFireAt as string);
      const results = await Promise.all([a, b, a, b].map((t) => t.app.schedules.tick(at)));
      expect(results.reduce((n, r) => n + r.started, 0)).toBe(1);
      expect(await runIds(a, graph.id)).toHaveLength(fire);
    }
  });

  it('starts exactly one run per fire with both servers ticking in the background', async () => {
    await a.listen();
    await b.listen();
    const graph = await createGraph(a, setStateGraph());
    const s = await createSchedule(a, graph.id, { cron: '* * * * * *' });
    await waitUntil(async () => ((await runIds(a, graph.id)).length >= 3 ? true : undefined));
    await a.ok(PAUSE, { id: s.id });
    // Let a tick under way finish, then count: one run per distinct fire time.
    await new Promise((r) => setTimeout(r, 200));
    const ids = await runIds(a, graph.id);
    const keys = await a.app.db.prisma.runStartKey.findMany({ where: { graphId: graph.id } });
    expect(keys.length).toBe(ids.length);
    expect(new Set(keys.map((k) => k.runId))).toEqual(new Set(ids));
    expect(new Set(keys.map((k) => k.key)).size).toBe(ids.length);
  });
});
