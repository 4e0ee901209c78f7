/** What an urql error says to a person: the message, and BAD_USER_INPUT's problem list. */
export interface Problem {
  code: string | null;
  message: string;
  /** `extensions.problems` of a BAD_USER_INPUT (each a sentence, or an object with a message). */
  problems: string[];
}

interface ErrorLike {
  message: string;
  graphQLErrors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

const text = (p: unknown): string =>
  typeof p === 'string'
    ? p
    : typeof p === 'object' &&
        p !== null &&
        typeof (p as { message?: unknown }).message === 'string'
      ? [(p as { path?: unknown }).path, (p as { message: string }).message]
          .filter((x) => x !== undefined && x !== '')
          .join(' ')
      : JSON.stringify(p);

export function problemOf(error: ErrorLike): Problem {
  const first = error.graphQLErrors?.[0];
  if (!first) return { code: null, message: error.message.replace(/^\[\w+\] /, ''), problems: [] };
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : null;
  const list = first.extensions?.problems;
  return {
    code,
    message: first.message,
    problems: Array.isArray(list) ? list.map(text) : [],
  };
}
