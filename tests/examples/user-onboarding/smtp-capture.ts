import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

/** A message as it arrived, parsed by Python's `email` package (headers decoded, MIME walked). */
export interface ArrivedMail {
  to: string;
  from: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  /** The SMTP envelope's recipients. */
  rcptTo: string[];
}

export interface SmtpCapture {
  port: number;
  /** What arrived so far, parsed when read (parsing in `onData` would delay the server's reply). */
  readonly mails: ArrivedMail[];
  /** Logins the server saw (user names only). */
  logins: string[];
  close(): Promise<void>;
}

const PARSER = fileURLToPath(new URL('parse_mail.py', import.meta.url));

/** Parses a raw RFC 5322 message with the standard library's parser (`email.policy.default`). */
export function parseMail(raw: Buffer): Omit<ArrivedMail, 'rcptTo'> {
  const out = spawnSync('/usr/bin/python3', [PARSER], { input: raw });
  if (out.status !== 0) throw new Error(`parse_mail.py failed: ${out.stderr.toString()}`);
  return JSON.parse(out.stdout.toString()) as Omit<ArrivedMail, 'rcptTo'>;
}

/**
 * A real SMTP server (smtp-server) on a free port of 127.0.0.1, keeping what arrives.
 * `refuse`: recipients answered 550; `auth`: the user and password it accepts (AUTH required).
 */
export async function startSmtpCapture(
  options: { refuse?: (address: string) => boolean; auth?: { user: string; pass: string } } = {},
): Promise<SmtpCapture> {
  const raw: Array<{ message: Buffer; rcptTo: string[] }> = [];
  const parsed: ArrivedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, done) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        logins.push(auth.username ?? '');
        done(null, { user: auth.username });
      } else done(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, done) {
      if (options.refuse?.(address.address)) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: mailbox unavailable`), {
          responseCode: 550,
        });
        done(err);
      } else done();
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        raw.push({
          message: Buffer.concat(chunks),
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    get mails() {
      for (const { message, rcptTo } of raw.slice(parsed.length))
        parsed.push({ ...parseMail(message), rcptTo });
      return parsed;
    },
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
