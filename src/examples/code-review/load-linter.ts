import type * as Lint from './lint.js';

export type LintEngine = typeof Lint;

let loading: Promise<LintEngine> | undefined;

/**
 * Imports ESLint, typescript-eslint and (through its parser) TypeScript on the first review and
 * caches them: they are the heaviest modules of the server, and a process that never reviews
 * code never loads them. A failed import is not cached, so the next call tries again.
 */
export function loadLinter(): Promise<LintEngine> {
  loading ??= import('./lint.js').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
