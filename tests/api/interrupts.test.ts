/**
 * Human in the loop through the GraphQL API, on SQLite and PostgreSQL: a run WAITING out of
 * memory, its interrupts listed, answered in either order with every bad-answer problem listed,
 * answering twice and after a timeout refused with their own codes, a timeout continuing with
 * its default, cancel of a waiting run, and a waiting run surviving a restart.
 */
import { describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { backends, openTestDatabase } from '../helpers/databases.js';
import {
  CANCEL_RUN,
  createGraph,
  describeBackends,
  expectError,
  getRun,
  startRun,
  typesOf,
  uniqueName,
  waitForRun,
} from './operations.js';

const approval = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, note: { type: 'string', maxLength: 10 } },
  required: ['ok'],
  additionalProperties: false,
};

const RESUME_RUN = `mutation Resume($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status }
}`;
const INTERRUPTS = `query I($id: ID!) { run(id: $id) { id status
  interrupts { id nodeId iteration prompt schema status answer requestedAt deadline answeredAt } } }`;

interface InterruptData {
  id: string;
  nodeId: string;
  prompt: string;
  schema: unknown;
  status: string;
  answer: unknown;
  deadline: string | null;
}

/** start -> (legal, finance) asking in parallel -> done. */
function twoApprovals(): GraphDef {
  const ask = (id: string, timeout?: Record<string, unknown>) => ({
    id,
    tool: 'human_input',
    config: {
      output: id,
      prompt: `Does ${id} approve {{state.deal}}?`,
      schema: approval,
      ...timeout,
    },
  });
  return {
    name: uniqueName('approvals'),
    nodes: [
      { id: 'start', tool: 'set_state', config: { values: { started: true } } },
      ask('legal'),
      ask('finance'),
      { id: 'done', tool: 'set_state', config: { values: { done: true } } },
    ],
    edges: [
      { from: 'start', to: 'legal' },
      { from: 'start', to: 'finance' },
      { from: 'legal', to: 'done' },
      { from: 'finance', to: 'done' },
    ],
    entry: 'start',
  };
}

async function interruptsOf(t: TestApp, runId: string) {
  const data = await t.ok<{ run: { status: string; interrupts: InterruptData[] } }>(INTERRUPTS, {
    id: runId,
  });
  return data.run;
}

const resume = (t: TestApp, runId: string, interruptId: string, value: unknown) =>
  t.gql<{ resumeRun: { id: string; status: string } }>(RESUME_RUN, { runId, interruptId, value });

await describeBackends('interrupts over GraphQL', (api) => {
  for (const order of [
    ['legal', 'finance'],
    ['finance', 'legal'],
  ]) {
    it(`answers two pending interrupts in either order (${order.join(' then ')})`, async () => {
      const graph = await createGraph(api(), twoApprovals());
      const updates = await api().app.runs.updates('default', graph.id);
      const run = await startRun(api(), graph.id, { deal: 'ACME' });
      await waitForRun(api(), run.id, ['WAITING']);
      const waiting = await interruptsOf(api(), run.id);
      expect(waiting.interrupts.map((i) => [i.id, i.status, i.prompt])).toEqual([
        ['legal:1:1', 'PENDING', 'Does legal approve ACME?'],
        ['finance:1:1', 'PENDING', 'Does finance approve ACME?'],
      ]);
      expect(waiting.interrupts[0]!.schema).toEqual(approval);

      // A bad answer: every problem listed, the run keeps waiting.
      const bad = expectError(
        await resume(api(), run.id, `${order[0]}:1:1`, { note: 'far too long a note', x: 1 }),
        'BAD_USER_INPUT',
      );
      expect(bad.extensions?.problems as string[]).toHaveLength(3);
      expect((await getRun(api(), run.id)).status).toBe('WAITING');

      const first = await resume(api(), run.id, `${order[0]}:1:1`, { ok: true });
      expect(first.errors).toBeUndefined();
      // Its branch goes on; the run waits again for the other answer.
      await waitUntil(async () => {
        const r = await getRun(api(), run.id);
        return r.status === 'WAITING' &&
          typesOf(r).filter((t) => t === 'RUN_SUSPENDED').length === 2
          ? r
          : undefined;
      });
      expectError(
        await resume(api(), run.id, `${order[0]}:1:1`, { ok: false }),
        'INTERRUPT_ALREADY_ANSWERED',
      );
      const second = await resume(api(), run.id, `${order[1]}:1:1`, { ok: false, note: 'no' });
      expect(second.errors).toBeUndefined();
      const done = await waitForRun(api(), run.id);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.state).toMatchObject({
        [order[0]!]: { ok: true },
        [order[1]!]: { ok: false, note: 'no' },
        done: true,
      });
      // runUpdated: the waits and the resumes, for dashboards.
      const statuses: string[] = [];
      for (;;) {
        const next = await updates.next();
        if (next.done) break;
        statuses.push(next.value.status);
        if (next.value.status === 'SUCCEEDED') break;
      }
      await updates.return();
      expect(statuses.filter((st) => st === 'WAITING')).toHaveLength(2);
      expect(statuses.at(-1)).toBe('SUCCEEDED');
      expect(statuses.filter((st) => st === 'RUNNING').length).toBeGreaterThanOrEqual(3);
      const after = await interruptsOf(api(), run.id);
      expect(after.interrupts.map((i) => i.status)).toEqual(['ANSWERED', 'ANSWERED']);
      // The wait and the answers are events: a UI follows them on runEvents.
      const types = typesOf(done);
      expect(types.filter((t) => t === 'INTERRUPT_REQUESTED')).toHaveLength(2);
      expect(types.filter((t) => t === 'INTERRUPT_ANSWERED')).toHaveLength(2);
      expect(types).toContain('RUN_RESUMED');
      // Nodes before the interrupts ran once.
      expect(done.nodes.filter((n) => n.nodeId === 'start')).toHaveLength(1);
      expect(types.filter((t) => t === 'NODE_SUCCEEDED')).toHaveLength(4);
    });
  }

  it('refuses an unknown interrupt and a run that ended', async () => {
    const graph = await createGraph(api(), twoApprovals());
    const run = await startRun(api(), graph.id, { deal: 'X' });
    await waitForRun(api(), run.id, ['WAITING']);
    expectError(await resume(api(), run.id, 'nope:1:1', { ok: true }), 'NOT_FOUND');
    const cancelled = await api().ok<{ cancelRun: { status: string } }>(CANCEL_RUN, { id: run.id });
    expect(cancelled.cancelRun.status).toBe('CANCELLED');
    const ended = await interruptsOf(api(), run.id);
    expect(ended.interrupts.map((i) => i.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expectError(await resume(api(), run.id, 'legal:1:1', { ok: true }), 'RUN_NOT_ACTIVE');
  });

  it('continues with the default when an interrupt times out (woken by the orphan scan), then refuses its answer', async () => {
    await api().listen();
    const def = twoApprovals();
    def.nodes[1]!.config = { ...def.nodes[1]!.config, timeoutMs: 200, default: { ok: false } };
    const graph = await createGraph(api(), def);
    const run = await startRun(api(), graph.id, { deal: 'Y' });
    await waitForRun(api(), run.id, ['WAITING']);
    const listed = await interruptsOf(api(), run.id);
    expect(listed.interrupts[0]!.deadline).not.toBeNull();
    const timedOut = await waitUntil(async () => {
      const r = await interruptsOf(api(), run.id);
      return r.interrupts[0]!.status === 'TIMED_OUT' && r.status === 'WAITING' ? r : undefined;
    });
    expect(timedOut.interrupts[0]!.answer).toEqual({ ok: false });
    expectError(await resume(api(), run.id, 'legal:1:1', { ok: true }), 'INTERRUPT_TIMED_OUT');
    expect((await resume(api(), run.id, 'finance:1:1', { ok: true })).errors).toBeUndefined();
    const done = await waitForRun(api(), run.id);
    expect(done.state).toMatchObject({ legal: { ok: false }, finance: { ok: true } });
    expect(typesOf(done)).toContain('INTERRUPT_TIMED_OUT');
  });
});

describe('a waiting run survives a restart', async () => {
  for (const { name, skip } of await backends()) {
    it.skipIf(skip !== null)(`is answered on the restarted server (${name})`, async () => {
      const db = await openTestDatabase(name);
      let second: TestApp | undefined;
      try {
        const first = await createTestApp({ db, env: { SEED_EXAMPLES: 'false' } });
        const graph = await createGraph(first, twoApprovals());
        const run = await startRun(first, graph.id, { deal: 'Z' });
        await waitForRun(first, run.id, ['WAITING']);
        await first.close();
        second = await createTestApp({ db, env: { SEED_EXAMPLES: 'false' } });
        await second.listen();
        // Recovery does not take a waiting run: it stays WAITING, nothing re-executes.
        expect(await second.app.runs.resumeOrphans()).toBe(0);
        expect((await getRun(second, run.id)).status).toBe('WAITING');
        for (const id of ['finance:1:1', 'legal:1:1'])
          expect((await resume(second, run.id, id, { ok: true })).errors).toBeUndefined();
        const done = await waitForRun(second, run.id);
        expect(done.status).toBe('SUCCEEDED');
        expect(done.nodes.filter((n) => n.nodeId === 'start')).toHaveLength(1);
      } finally {
        await second?.close();
        await db.drop();
      }
    });
  }
});
