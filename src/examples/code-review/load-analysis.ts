import type * as Analysis from './analysis.js';

export type CodeAnalysis = typeof Analysis;

let loading: Promise<CodeAnalysis> | undefined;

/**
 * Imports the TypeScript-backed analysis on first use and caches it. The compiler is the heaviest
 * dependency of the server (about 150 MB resident); a process that never reviews code never loads
 * it. A failed import is not cached, so the next call tries again.
 */
export function loadAnalysis(): Promise<CodeAnalysis> {
  loading ??= import('./analysis.js').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
