/**
 * Redaction of configured secrets from error messages, details and log lines: the one place
 * that knows what a secret is. Built once from config (app.ts) and given to the run service
 * (applied where errors become stored, streamed events) and to the logger.
 */
export const REDACTED = '[redacted]';

/** Values shorter than this are not redacted (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 4;

/** `scheme://user:password@`: the password of any URL-shaped connection string. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)([^\s@/]+)@/gi;

export interface Redactor {
  text(value: string): string;
  /** A copy of a JSON-like value with every string redacted (the same value when nothing was). */
  value<T>(value: T): T;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const list = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  const text = (value: string): string => {
    let out = value;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out.replace(URL_PASSWORD, (match, head: string, password: string) =>
      password === REDACTED ? match : `${head}${REDACTED}@`,
    );
  };
  const value = <T>(v: T, depth = 0): T => {
    if (typeof v === 'string') return text(v) as T;
    if (v === null || typeof v !== 'object' || depth > 20) return v;
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((item) => {
        const r = value(item, depth + 1);
        if (r !== item) changed = true;
        return r;
      });
      return (changed ? out : v) as T;
    }
    if (v instanceof Error) {
      const copy = new Error(text(v.message));
      copy.name = v.name;
      if (v.stack) copy.stack = text(v.stack);
      return copy as T;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      const r = value(item, depth + 1);
      if (r !== item) changed = true;
      out[k] = r;
    }
    return (changed ? out : v) as T;
  };
  return { text, value: (v) => value(v) };
}

export const noRedaction: Redactor = { text: (v) => v, value: (v) => v };

const SECRET_SUFFIXES = ['_KEY', '_SECRET', '_TOKEN', '_PASSWORD'];

function userinfo(url: string | undefined): string[] {
  if (!url) return [];
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url);
  if (!match?.[1]) return [];
  const info = match[1];
  const colon = info.indexOf(':');
  const out = [info];
  if (colon >= 0) {
    const password = info.slice(colon + 1);
    out.push(password);
    try {
      out.push(decodeURIComponent(password));
    } catch {
      // not percent-encoded
    }
  }
  return out;
}

/**
 * The secret values to redact: the userinfo (and password) of DATABASE_URL, REDIS_URL and SMTP_URL, the
 * value of every variable whose name ends in _KEY, _SECRET, _TOKEN or _PASSWORD, and of every
 * variable named in REDACT (comma-separated names).
 */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const named = (env.REDACT ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const values: string[] = [
    ...userinfo(env.DATABASE_URL),
    ...userinfo(env.REDIS_URL),
    ...userinfo(env.SMTP_URL),
  ];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_SUFFIXES.some((s) => name.toUpperCase().endsWith(s)) || named.includes(name))
      values.push(value);
  }
  return values;
}
