/**
 * The welcome email is sent once per account whatever repeats: a retry after the send went out
 * but its record failed (the step log replays it), another run of the same account, and the
 * hole that remains (a send whose outcome was never recorded is sent again, same Message-ID).
 * Without SMTP_URL it is rendered by the JSON transport, and the log says it was not delivered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileGraphOrThrow } from '../../../src/engine/compile.js';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/executor.js';
import type { State } from '../../../src/engine/graph.js';
import {
  createMemorySqlClient,
  createSqlOnboardingStore,
  type OnboardingServices,
  userOnboardingGraph,
} from '../../../src/examples/user-onboarding/index.js';
import type { SqlClient } from '../../../src/runs/sql-client.js';
import { createBuiltinRegistry } from '../../../src/tools/builtin.js';
import { runTool } from '../../tools/run-tool.js';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.js';

const FROM = 'welcome@acme.example';
let runs = 0;

async function run(onboarding: OnboardingServices, input: State) {
  const registry = createBuiltinRegistry({ exampleOptions: { onboarding } });
  const sink = createMemorySink();
  const result = await executeRun({
    runId: `email-once-${++runs}`,
    graph: compileGraphOrThrow(userOnboardingGraph, registry),
    input,
    sink,
  });
  return { ...result, events: sink.events, registry };
}

const logs = (events: RunEvent[]) =>
  events.flatMap((e) => (e.type === 'LOG' ? [e.data.message] : []));

/** A database whose first update of the email table fails, as if the process died there. */
function failFirstEmailRecord(db: SqlClient): SqlClient & { failed: number } {
  const wrapped = {
    ...db,
    failed: 0,
    execute(sql: string, params?: readonly unknown[]) {
      if (wrapped.failed === 0 && sql.trimStart().startsWith('UPDATE onboarding_emails')) {
        wrapped.failed++;
        return Promise.reject(new Error('connection reset while recording the email'));
      }
      return db.execute(sql, params);
    },
  };
  return wrapped;
}

describe('welcome email, sent once', () => {
  let smtp: SmtpCapture;
  beforeEach(async () => {
    smtp = await startSmtpCapture();
  });
  afterEach(async () => smtp.close());

  it('does not send again when recording the send failed and the node is retried', async () => {
    const db = failFirstEmailRecord(createMemorySqlClient());
    const mail = { url: `smtp://127.0.0.1:${smtp.port}`, from: FROM };
    const result = await run(
      { database: () => db, mail },
      { user: { email: 'lin@lab.example', name: 'Lin Retry' } },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(db.failed).toBe(1);
    const email = result.events.filter((e) => 'nodeId' in e && e.nodeId === 'email');
    expect(email.filter((e) => e.type === 'NODE_RETRYING')).toHaveLength(1);
    expect(email.filter((e) => e.type === 'STEP_COMPLETED')).toHaveLength(1);
    expect(smtp.mails.map((m) => m.to)).toEqual(['lin@lab.example']);
    const store = createSqlOnboardingStore(db);
    const account = await store.accountByEmail('default', 'lin@lab.example');
    expect((await store.welcomeEmail(account!.id))?.status).toBe('sent');
  });

  it('never sends a recorded email again, whichever activation asks', async () => {
    const db = createMemorySqlClient();
    const mail = { url: `smtp://127.0.0.1:${smtp.port}`, from: FROM };
    const first = await run(
      { database: () => db, mail },
      { user: { email: 'max@lab.example', name: 'Max Once' } },
    );
    const tool = first.registry.get('send_welcome_email')!;
    const again = await runTool(tool, first.state, { idempotencyKey: 'another-run:email:1' });
    expect(again.patch).toMatchObject({ emailed: true, welcome_email: { status: 'sent' } });
    expect(again.logs.map((l) => l.message)).toEqual([
      'welcome email already recorded: not sent again',
    ]);
    expect(smtp.mails).toHaveLength(1);
  });

  it('sends again, with the same Message-ID, a send whose outcome was never recorded', async () => {
    const db = createMemorySqlClient();
    const mail = { url: `smtp://127.0.0.1:${smtp.port}`, from: FROM };
    const first = await run(
      { database: () => db, mail },
      { user: { email: 'ida@lab.example', name: 'Ida Twice' } },
    );
    const accountId = (first.state.account as { id: string }).id;
    // As if the process died between the SMTP reply and any record of it.
    await db.execute(
      `UPDATE onboarding_emails SET status = 'sending', idempotency_key = 'crashed:email:1'`,
    );
    const tool = first.registry.get('send_welcome_email')!;
    const again = await runTool(tool, first.state, { idempotencyKey: 'resumed:email:1' });
    expect(again.logs[0]?.message).toMatch(/left no outcome: sending it again, same Message-ID/);
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.messageId).toBe(smtp.mails[0]!.messageId);
    expect(smtp.mails[0]!.messageId).toBe(`<welcome.${accountId}@acme.example>`);
  });

  it('renders the email with the JSON transport without SMTP_URL, and says it was not delivered', async () => {
    const result = await run(
      { database: () => createMemorySqlClient() },
      { user: { email: 'nora@lab.example', name: 'Nora Nosmtp' } },
    );
    expect(result.state.welcome_email).toMatchObject({ transport: 'json', status: 'rendered' });
    expect(result.state.report).toMatchObject({
      outcome: 'completed',
      message: expect.stringContaining('not delivered'),
    });
    expect(logs(result.events)).toContain(
      "SMTP_URL is not set: the welcome email was rendered by nodemailer's JSON transport and NOT delivered",
    );
    expect(smtp.mails).toEqual([]);
  });

  it('says in the log when no server database was given', async () => {
    const result = await run({}, { user: { email: 'olga@lab.example', name: 'Olga Memory' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(logs(result.events)).toContain(
      'no server database was given: accounts are kept in an in-memory SQLite database of this process',
    );
  });
});

describe('tenants', () => {
  it("keep their own accounts: one email signs up in each, and neither sees the other's", async () => {
    const db = createMemorySqlClient();
    const tenantOf = async (runId: string) => (runId.endsWith('1') ? 'acme' : 'globex');
    const registry = createBuiltinRegistry({
      exampleOptions: { onboarding: { database: () => db, tenantOf } },
    });
    const graph = compileGraphOrThrow(userOnboardingGraph, registry);
    const input = { user: { email: 'pat@lab.example', name: 'Pat Shared' } };
    const states = [];
    for (const runId of ['tenant-run-1', 'tenant-run-2', 'tenant-run-3']) {
      const result = await executeRun({ runId, graph, input, sink: createMemorySink() });
      states.push(result.state);
    }
    expect(states.map((s) => s.status)).toEqual(['completed', 'completed', 'already_registered']);
    expect(states.map((s) => (s.account as { tenantId: string }).tenantId)).toEqual([
      'acme',
      'globex',
      'globex',
    ]);
    expect((states[2]!.report as { accountId: string }).accountId).toBe(
      (states[1]!.account as { id: string }).id,
    );
  });
});
