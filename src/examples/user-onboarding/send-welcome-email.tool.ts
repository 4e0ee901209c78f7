import { z } from 'zod';
import { renderTemplate, templateProblems } from '../../llm/template.js';
import { defineTool } from '../../tools/define-tool.js';
import { isPermanentMailError } from './mailer.js';
import type { EmailRecord } from './onboarding-store.js';
import type { OnboardingContext } from './services.js';
import { type Failure, messageOf, readAccount, readWorkspace } from './signup-state.js';
import { welcomeMessage } from './welcome-message.js';

const view = (r: EmailRecord, subject: string, from: string) => ({
  to: r.recipient,
  from,
  subject,
  messageId: r.messageId,
  transport: r.transport,
  status: r.status,
});

/**
 * Sends the welcome email (with the workspace URL) over SMTP with nodemailer, once per account:
 * the send is claimed in the email table first (`sending`), made inside `ctx.step` (a resumed or
 * retried activation replays the recorded receipt instead of sending again) and then recorded
 * (`sent`). A recorded email is never sent again, by a retry, a resume or another run. Without
 * SMTP_URL nodemailer's JSON transport renders it (`rendered`, not delivered) and the log says
 * so. A 5xx reply, or the last of `attempts`, is recorded as the failure compensation undoes:
 * `{ emailed: false, failure: { step: 'email', ... } }`.
 * Patch: `{ emailed: true, welcome_email: { to, from, subject, messageId, transport, status } }`.
 */
export function createSendWelcomeEmailTool(services: OnboardingContext) {
  return defineTool({
    name: 'send_welcome_email',
    description:
      'Sends the welcome email with the workspace URL over SMTP (SMTP_URL), once per account',
    config: z.strictObject({
      subject: z
        .string()
        .min(1)
        .max(200)
        .superRefine((value, ctx) => {
          for (const message of templateProblems(value)) ctx.addIssue({ code: 'custom', message });
        })
        .default('Welcome aboard, {{state.user.name}}!')
        .describe('The subject, a template over state'),
      attempts: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(5)
        .describe(
          "The attempt whose failure is final (keep it equal to the node's retry.maxAttempts)",
        ),
    }),
    async run({ state, config, attempt, idempotencyKey, log, step }) {
      const account = readAccount(state, 'send_welcome_email');
      const workspace = readWorkspace(state, 'send_welcome_email');
      const store = services.store();
      const mailer = services.mailer();
      const subject = renderTemplate(config.subject, { state, input: {} }).text;
      const mail = welcomeMessage(account, workspace, subject, services.mail);
      const claim = await store.claimWelcomeEmail({
        accountId: account.id,
        idempotencyKey,
        messageId: mail.messageId,
        recipient: mail.to,
        transport: mailer.transport,
      });
      if (claim.status !== 'sending') {
        log('welcome email already recorded: not sent again', { status: claim.status });
        return {
          emailed: claim.status !== 'failed',
          welcome_email: view(claim, subject, mail.from),
        };
      }
      if (claim.idempotencyKey !== idempotencyKey)
        log('an earlier send of this email left no outcome: sending it again, same Message-ID', {
          messageId: claim.messageId,
        });
      let receipt: Awaited<ReturnType<typeof mailer.send>>;
      try {
        receipt = await step('deliver', () => mailer.send(mail));
      } catch (err) {
        if (!isPermanentMailError(err) && attempt < config.attempts) throw err;
        const failure: Failure = { step: 'email', message: messageOf(err), attempts: attempt };
        await store.finishWelcomeEmail(account.id, 'failed', failure.message);
        log('welcome email failed for good', failure, 'error');
        return { emailed: false, failure };
      }
      const status = mailer.transport === 'smtp' ? 'sent' : 'rendered';
      await store.finishWelcomeEmail(account.id, status, receipt.response);
      if (status === 'rendered')
        log(
          "SMTP_URL is not set: the welcome email was rendered by nodemailer's JSON transport and NOT delivered",
          { to: mail.to },
          'warn',
        );
      else
        log('welcome email sent', { to: mail.to, via: mailer.target, response: receipt.response });
      return { emailed: true, welcome_email: view({ ...claim, status }, subject, mail.from) };
    },
  });
}
