import { noRedaction, type Redactor } from './redaction.js';

/** The logging port: console by default, silent in tests. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createConsoleLogger(
  level: 'info' | 'warn' | 'error' | 'silent' = 'info',
  redactor: Redactor = noRedaction,
): Logger {
  const rank = { info: 0, warn: 1, error: 2, silent: 3 }[level];
  const replacer = (_key: string, value: unknown): unknown =>
    typeof value === 'string' ? redactor.text(value) : errorReplacer(_key, value);
  const line = (lvl: string, message: string, fields?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${lvl} ${redactor.text(message)}${fields ? ` ${JSON.stringify(fields, replacer)}` : ''}`;
  return {
    info: (m, f) => rank <= 0 && console.log(line('info', m, f)),
    warn: (m, f) => rank <= 1 && console.warn(line('warn', m, f)),
    error: (m, f) => rank <= 2 && console.error(line('error', m, f)),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error
    ? { name: value.name, message: value.message, stack: value.stack }
    : value;
}

/** A logger that redacts secrets from messages and fields before handing them on. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const clean = (message: string, fields?: Record<string, unknown>) =>
    [redactor.text(message), fields ? redactor.value(fields) : fields] as const;
  return {
    info: (m, f) => logger.info(...clean(m, f)),
    warn: (m, f) => logger.warn(...clean(m, f)),
    error: (m, f) => logger.error(...clean(m, f)),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
