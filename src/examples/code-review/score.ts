import type { Severity } from './issue.js';

export interface ScoreWeights {
  error: number;
  warning: number;
  info: number;
}

export const DEFAULT_WEIGHTS: ScoreWeights = { error: 10, warning: 4, info: 1 };
/** A function over the threshold costs 5, plus 2 per point of excess, at most 25. */
export const COMPLEXITY_BASE_PENALTY = 5;
export const COMPLEXITY_PENALTY_PER_POINT = 2;
export const COMPLEXITY_MAX_PENALTY = 25;

export function complexityPenalty(complexity: number, threshold: number): number {
  const excess = Math.max(0, complexity - threshold);
  if (excess === 0) return 0;
  return Math.min(
    COMPLEXITY_MAX_PENALTY,
    COMPLEXITY_BASE_PENALTY + COMPLEXITY_PENALTY_PER_POINT * excess,
  );
}

/**
 * Quality score 0..100: 100 minus a weight per issue severity and a penalty per too-complex
 * function, rounded and clamped. Every issue costs something, so more issues never score higher.
 */
export function qualityScore(
  severities: readonly Severity[],
  complexities: ReadonlyArray<{ complexity: number; threshold: number }>,
  weights: ScoreWeights = DEFAULT_WEIGHTS,
): number {
  let penalty = 0;
  for (const s of severities) penalty += weights[s];
  for (const c of complexities) penalty += complexityPenalty(c.complexity, c.threshold);
  return Math.max(0, Math.min(100, Math.round(100 - penalty)));
}
