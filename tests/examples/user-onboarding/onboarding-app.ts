import { createPrismaSqlClient } from '../../../src/persistence/prisma-sql-client.js';
import type { SqlClient } from '../../../src/runs/sql-client.js';
import { GRAPH_BY_NAME, getRun, type RunData, startRun, waitForRun } from '../../api/operations.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import type { Backend } from '../../helpers/databases.js';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.js';

/** The server as `npm start` makes it (examples seeded), mailing a local SMTP server. */
export interface OnboardingServer {
  api: TestApp;
  smtp: SmtpCapture;
  graphId: string;
  /** The server's own database, for reading the example's tables. */
  sql: SqlClient;
  close(): Promise<void>;
}

export const SMTP_USER = 'onboard';
export const SMTP_PASS = 'smtp-Pa55-word';
export const FROM = 'Acme Onboarding <hello@acme.example>';

export async function startOnboardingServer(
  backend: Backend,
  refuse?: (address: string) => boolean,
): Promise<OnboardingServer> {
  const smtp = await startSmtpCapture({ auth: { user: SMTP_USER, pass: SMTP_PASS }, refuse });
  const api = await createTestApp({
    backend,
    env: {
      SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${smtp.port}`,
      SMTP_FROM: FROM,
    },
  });
  const graph = await api.ok<{ graphByName: { id: string } }>(GRAPH_BY_NAME, {
    name: 'user-onboarding',
  });
  return {
    api,
    smtp,
    graphId: graph.graphByName.id,
    sql: createPrismaSqlClient(api.app.db.provider, () => api.app.db),
    async close() {
      await api.close();
      await smtp.close();
    },
  };
}

const RESUME_RUN = `mutation Resume($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status }
}`;
const INTERRUPTS = `query I($id: ID!) { run(id: $id) { interrupts { id prompt status } } }`;

export interface Interrupt {
  id: string;
  prompt: string;
  status: string;
}

/**
 * Runs one sign-up to its end; when it waits for approval, `review` answers (through
 * `resumeRun`, as the dashboard does) after seeing the question.
 */
export async function signUp(
  s: OnboardingServer,
  input: unknown,
  review?: (question: Interrupt) => { approved: boolean; note?: string },
): Promise<{ run: RunData; asked: Interrupt | undefined }> {
  const started = await startRun(s.api, s.graphId, input);
  let run = await waitForRun(s.api, started.id, ['SUCCEEDED', 'FAILED', 'CANCELLED', 'WAITING']);
  let asked: Interrupt | undefined;
  if (run.status === 'WAITING') {
    const data = await s.api.ok<{ run: { interrupts: Interrupt[] } }>(INTERRUPTS, { id: run.id });
    asked = data.run.interrupts.find((i) => i.status === 'PENDING');
    if (!asked || !review) throw new Error(`run ${run.id} waits and no review was given`);
    await s.api.ok(RESUME_RUN, { runId: run.id, interruptId: asked.id, value: review(asked) });
    await waitForRun(s.api, run.id);
    run = await getRun(s.api, run.id);
  }
  return { run, asked };
}
