import type { MailSettings, OutgoingMail } from './mailer.js';
import type { AccountView, WorkspaceView } from './signup-state.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/** The domain of a sender (`Name <a@b.example>` or `a@b.example`), for the Message-ID. */
function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
}

/** The welcome email of an account: text and HTML, both with the workspace URL. */
export function welcomeMessage(
  account: AccountView,
  workspace: WorkspaceView,
  subject: string,
  mail: MailSettings,
): OutgoingMail {
  const quota = `${workspace.storageGb} GB of storage and ${workspace.seats} seat${workspace.seats === 1 ? '' : 's'}`;
  const text = [
    `Hi ${account.name},`,
    '',
    `your ${workspace.plan} workspace "${workspace.slug}" is ready:`,
    workspace.url,
    '',
    `It comes with ${quota}.`,
  ].join('\n');
  const html = [
    `<p>Hi ${escapeHtml(account.name)},</p>`,
    `<p>your ${escapeHtml(workspace.plan)} workspace <b>${escapeHtml(workspace.slug)}</b> is ready:`,
    `<a href="${escapeHtml(workspace.url)}">${escapeHtml(workspace.url)}</a></p>`,
    `<p>It comes with ${quota}.</p>`,
  ].join('\n');
  return {
    from: mail.from,
    to: account.email,
    subject,
    text,
    html,
    // One Message-ID per account: a resend after an unrecorded send is the same message.
    messageId: `<welcome.${account.id}@${senderDomain(mail.from)}>`,
  };
}
