import type { Finding } from './finding.js';

/** Points per finding: an ESLint error costs 2, a warning 1. */
export const SEVERITY_WEIGHT = { error: 2, warning: 1 } as const;
/** Score lost per weighted finding per 100 reviewed lines. */
export const PENALTY_PER_DENSITY = 5;

/**
 * Quality score 0..100 from the density of findings: 100 minus 5 points per weighted finding per
 * 100 reviewed lines (a diff: its added lines). A large file is not scored 0 for its size: a
 * 3,000-line file with 145 errors scores about 50, a 400-line one with 4 findings about 93.
 */
export function qualityScore(findings: readonly Finding[], lines: number): number {
  if (lines <= 0) return 100;
  const weighted = findings.reduce((n, f) => n + SEVERITY_WEIGHT[f.severity], 0);
  const penalty = (PENALTY_PER_DENSITY * weighted * 100) / lines;
  return Math.max(0, Math.min(100, Math.round(100 - penalty)));
}
