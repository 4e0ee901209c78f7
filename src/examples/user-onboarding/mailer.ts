import type { Transporter } from 'nodemailer';

/** Where welcome emails go: SMTP_URL and SMTP_FROM of the server's config. */
export interface MailSettings {
  /** `smtp://user:pass@host:port` (or `smtps://`); unset: rendered by the JSON transport, not sent. */
  url?: string | undefined;
  /** The sender, `Name <address>` or an address. */
  from: string;
}

export const DEFAULT_FROM = 'Onboarding <welcome@example.com>';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header, stable per account, so a resend can be recognised downstream. */
  messageId: string;
}

/** What a send returns (plain JSON: it is recorded as a step). */
export interface MailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final reply (`250 OK ...`), or `rendered` for the JSON transport. */
  response: string;
}

export interface Mailer {
  /** `smtp`: really sent; `json`: rendered by nodemailer's JSON transport, never delivered. */
  readonly transport: 'smtp' | 'json';
  /** Where mail goes, without credentials (`smtp://127.0.0.1:2525`), for logs. */
  readonly target: string;
  send(mail: OutgoingMail): Promise<MailReceipt>;
}

/** `scheme://host:port` of a mail URL: never its user or password. */
export function mailTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'an unparsable SMTP_URL';
  }
}

const addresses = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: unknown }).address)))
    : [];

/** Bounds on one SMTP conversation (nodemailer's defaults wait up to 10 minutes). */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** A nodemailer transport per settings: SMTP when a URL is set, else the JSON transport. */
export function createMailer(settings: MailSettings): Mailer {
  const transport = settings.url ? 'smtp' : 'json';
  // nodemailer is loaded by the first send: a server that never sends mail does not keep it.
  let transporter: Promise<Transporter> | undefined;
  const transporterOf = (): Promise<Transporter> => {
    transporter ??= import('nodemailer').then(
      ({ default: nodemailer }) =>
        settings.url
          ? nodemailer.createTransport({ url: settings.url, ...SMTP_TIMEOUTS })
          : nodemailer.createTransport({ jsonTransport: true }),
      (err: unknown) => {
        transporter = undefined; // tried again by the next send
        throw err;
      },
    );
    return transporter;
  };
  return {
    transport,
    target: settings.url ? mailTarget(settings.url) : 'nodemailer JSON transport',
    async send(mail) {
      const info = await (await transporterOf()).sendMail(mail);
      return {
        messageId: String(info.messageId ?? mail.messageId),
        accepted: transport === 'smtp' ? addresses(info.accepted) : [],
        rejected: addresses(info.rejected),
        response: transport === 'smtp' ? String(info.response ?? '') : 'rendered',
      };
    },
  };
}

/**
 * Whether a failed send can never succeed: the server answered 5xx (recipient refused, message
 * rejected). Connection errors and 4xx replies are worth another attempt.
 */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
