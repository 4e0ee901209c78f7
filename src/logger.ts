/** The logging port: console by default, silent in tests. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createConsoleLogger(level: 'info' | 'warn' | 'error' | 'silent' = 'info'): Logger {
  const rank = { info: 0, warn: 1, error: 2, silent: 3 }[level];
  const line = (lvl: string, message: string, fields?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${lvl} ${message}${fields ? ` ${JSON.stringify(fields, errorReplacer)}` : ''}`;
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

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
