import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, wsClient } from '../e2e/helpers/ws.js';
import { type TestApp, waitUntil } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import {
  eventsOf,
  REGISTER,
  saveGraph,
  startRun,
  unique,
  waitForEnd,
  workerApp,
} from './helpers.js';

const TASKS = `subscription($w: ID!) { toolTasks(workerId: $w) { id tool input attempt idempotencyKey } }`;
const COMPLETE = `mutation($id: ID!, $r: JSON) { completeToolTask(taskId: $id, result: $r) { taskId status } }`;
const HEARTBEAT = `mutation($id: ID!, $p: JSON) { heartbeatToolTask(taskId: $id, progress: $p) { cancelled reason } }`;

interface Task {
  id: string;
  tool: string;
  input: Record<string, unknown>;
  attempt: number;
  idempotencyKey: string;
}

/** A worker made of raw API calls: the test answers each task itself. */
async function rawWorker(t: TestApp, tool: string, slots = 4) {
  const { registerWorker } = await t.ok<{ registerWorker: { id: string } }>(REGISTER, {
    input: { name: 'raw', slots, tools: [{ name: tool, inputSchema: { type: 'object' } }] },
  });
  const client = wsClient(t.wsUrl);
  const sub = collect<{ toolTasks: Task }>(client, TASKS, { w: registerWorker.id });
  const tasks = () => sub.results.map((r) => r.data?.toolTasks as Task);
  return {
    id: registerWorker.id,
    tasks,
    next: async (count: number) => {
      await sub.until(`${count} tasks`, (rs) => rs.length >= count, 20_000);
      return tasks()[count - 1] as Task;
    },
    close: async () => {
      sub.unsubscribe();
      await client.dispose();
    },
  };
}

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip)(`remote task lifecycle (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await workerApp(backend, {
        WORKER_SCHEDULE_TO_START_MS: '300',
        WORKER_WAIT_NOTICE_MS: '50',
      });
    });
    afterAll(() => t?.close());

    it('a second answer, and an answer after the run was cancelled, are refused with their own codes', async () => {
      const tool = unique('raw');
      const w = await rawWorker(t, tool);
      try {
        const g = await saveGraph(t, {
          name: unique('g'),
          entry: 'a',
          nodes: [{ id: 'a', tool, inputs: { n: 'state.n' }, output: 'out' }],
          edges: [],
        });
        const first = await startRun(t, g, { n: 1 });
        const task = await w.next(1);
        expect(task).toMatchObject({
          tool,
          input: { n: 1 },
          attempt: 1,
          idempotencyKey: `${first}:a:1`,
        });
        expect(await t.ok(COMPLETE, { id: task.id, r: { doubled: 2 } })).toMatchObject({
          completeToolTask: { status: 'SUCCEEDED' },
        });
        expect((await waitForEnd(t, first)).state.out).toEqual({ doubled: 2 });
        const again = await t.gql(COMPLETE, { id: task.id, r: { doubled: 3 } });
        expect(again.errors?.[0]?.extensions?.code).toBe('TASK_ALREADY_ANSWERED');

        const second = await startRun(t, g, { n: 2 });
        const task2 = await w.next(2);
        expect(
          (await t.ok<{ heartbeatToolTask: unknown }>(HEARTBEAT, { id: task2.id, p: { pct: 50 } }))
            .heartbeatToolTask,
        ).toEqual({
          cancelled: false,
          reason: null,
        });
        await t.ok(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: second });
        const cancelled = await waitForEnd(t, second);
        expect(cancelled.status).toBe('CANCELLED');
        // The progress heartbeat reached the run's log.
        expect(
          eventsOf(cancelled).some(
            (e) => e.type === 'CUSTOM' && e.data.name === 'progress' && e.data.payload.pct === 50,
          ),
        ).toBe(true);
        // The worker learns it on its next heartbeat, and its late answer changes nothing.
        await waitUntil(async () => {
          const hb = await t.ok<{ heartbeatToolTask: { cancelled: boolean; reason: string } }>(
            HEARTBEAT,
            { id: task2.id },
          );
          return hb.heartbeatToolTask.cancelled ? hb.heartbeatToolTask : undefined;
        }).then((hb) => expect(hb.reason).toBe('TASK_CANCELLED'));
        const late = await t.gql(COMPLETE, { id: task2.id, r: { doubled: 4 } });
        expect(late.errors?.[0]?.extensions?.code).toBe('TASK_CANCELLED');
        expect((await waitForEnd(t, second)).status).toBe('CANCELLED');
      } finally {
        await w.close();
      }
    });

    it('a task the worker holds past the node timeout is retried, and the late answer is refused', async () => {
      const tool = unique('slow');
      const w = await rawWorker(t, tool);
      try {
        const g = await saveGraph(t, {
          name: unique('g'),
          entry: 'a',
          nodes: [
            {
              id: 'a',
              tool,
              timeoutMs: 200,
              retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false },
            },
          ],
          edges: [],
        });
        const runId = await startRun(t, g);
        const slow = await w.next(1);
        const retried = await w.next(2); // attempt 1 timed out: attempt 2 is a new task
        expect([slow.attempt, retried.attempt]).toEqual([1, 2]);
        const late = await t.gql(COMPLETE, { id: slow.id, r: { late: true } });
        expect(late.errors?.[0]?.extensions?.code).toBe('TASK_TIMED_OUT');
        await t.ok(COMPLETE, { id: retried.id, r: { onTime: true } });
        const run = await waitForEnd(t, runId);
        expect(run.status).toBe('SUCCEEDED');
        expect(run.state).toMatchObject({ onTime: true });
        expect(run.state.late).toBeUndefined();
        expect(eventsOf(run).find((e) => e.type === 'NODE_RETRYING')?.data.error.code).toBe(
          'TOOL_TIMEOUT',
        );
      } finally {
        await w.close();
      }
    });

    it('a disconnected worker hands its task back: another takes it, the first one’s answer is refused', async () => {
      const tool = unique('handoff');
      const a = await rawWorker(t, tool, 1);
      const g = await saveGraph(t, {
        name: unique('g'),
        entry: 'a',
        nodes: [{ id: 'a', tool }],
        edges: [],
      });
      const runId = await startRun(t, g);
      const held = await a.next(1);
      await a.close(); // the socket goes away with the task
      const b = await rawWorker(t, tool, 1);
      try {
        const redone = await b.next(1);
        expect(redone.idempotencyKey).toBe(held.idempotencyKey);
        expect(redone.attempt).toBe(held.attempt); // a hand-back is not a retry
        expect(redone.id).not.toBe(held.id);
        const stale = await t.gql(COMPLETE, { id: held.id, r: { from: 'a' } });
        expect(stale.errors?.[0]?.extensions?.code).toBe('TASK_REASSIGNED');
        await t.ok(COMPLETE, { id: redone.id, r: { from: 'b' } });
        const run = await waitForEnd(t, runId);
        expect(run.state.from).toBe('b');
        expect(eventsOf(run).filter((e) => e.type === 'NODE_SUCCEEDED')).toHaveLength(1);
        expect(
          eventsOf(run)
            .filter((e) => e.type === 'CUSTOM' && e.data.name === 'TASK_DISPATCHED')
            .map((e) => e.data.payload.dispatch),
        ).toEqual([1, 2]);
      } finally {
        await b.close();
      }
    });

    it('no worker within the schedule-to-start timeout fails the attempt with SCHEDULE_TO_START_TIMEOUT', async () => {
      const tool = unique('nobody');
      await t.ok(REGISTER, { input: { name: 'gone', slots: 1, tools: [{ name: tool }] } });
      const g = await saveGraph(t, {
        name: unique('g'),
        entry: 'a',
        nodes: [{ id: 'a', tool }],
        edges: [],
      });
      const run = await waitForEnd(t, await startRun(t, g));
      expect(run.status).toBe('FAILED');
      expect(run.error?.code).toBe('SCHEDULE_TO_START_TIMEOUT');
      expect(
        eventsOf(run).some((e) => e.type === 'CUSTOM' && e.data.name === 'NODE_WAITING_FOR_WORKER'),
      ).toBe(true);
    });
  });
}
