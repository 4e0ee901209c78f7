import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { readValidUser, stableId } from './user.js';

/**
 * Sends the welcome email, simulated: no network, a CUSTOM `email_sent` event carries the message
 * instead. `{{name}}` and `{{plan}}` in the subject are filled in. The message id derives from the
 * idempotency key, so a retry names the same message.
 * Patch: `{ welcome_email: { to, from, subject, messageId, status: 'sent' } }`.
 */
export const sendWelcomeEmailTool = defineTool({
  name: 'send_welcome_email',
  description: 'Sends (simulates) the welcome email to state.user and emits an email_sent event',
  config: z.strictObject({
    from: z.email().default('welcome@example.com'),
    subject: z.string().min(1).max(200).default('Welcome aboard, {{name}}!'),
  }),
  run({ state, config, idempotencyKey, emit }) {
    const user = readValidUser(state, 'send_welcome_email');
    const subject = config.subject.replace(
      /\{\{\s*(name|plan)\s*\}\}/g,
      (_, key: 'name' | 'plan') => String(user[key]),
    );
    const email = {
      to: user.email,
      from: config.from,
      subject,
      messageId: stableId('msg', idempotencyKey),
      status: 'sent' as const,
    };
    emit('email_sent', email);
    return { welcome_email: email };
  },
});
