import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import type { State } from '../../engine/graph.js';
import { defineTool } from '../../tools/define-tool.js';
import { adviceFor } from './advice.js';
import type { Severity } from './issue.js';
import { DEFAULT_WEIGHTS, qualityScore } from './score.js';

export type Priority = 'high' | 'medium' | 'low';

export interface Suggestion {
  priority: Priority;
  rule: string;
  message: string;
  line?: number;
}

const issueSchema = z.object({
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  line: z.number(),
  message: z.string().optional(),
});
const complexityIssueSchema = z.object({
  name: z.string(),
  line: z.number(),
  complexity: z.number(),
  threshold: z.number(),
});
const functionSchema = z.object({ name: z.string(), startLine: z.number(), endLine: z.number() });

const PRIORITY_OF: Record<Severity, Priority> = { error: 'high', warning: 'medium', info: 'low' };
const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

function read<T>(state: Readonly<State>, key: string, schema: z.ZodType<T>): T[] | undefined {
  const value = state[key];
  if (value === undefined || value === null) return undefined;
  const parsed = z.array(schema).safeParse(value);
  if (!parsed.success) {
    throw new NonRetryableError(
      `suggest_improvements: state.${key} is malformed (${parsed.error.issues[0]?.message}); it should come from the tool that produces it`,
    );
  }
  return parsed.data;
}

/**
 * Turns review findings into prioritised suggestions and a quality score.
 * Reads `state.issues` (detect_issues), `state.complexity_issues` (check_complexity) and
 * `state.functions` (extract_functions, to name the function around a line); at least one.
 * Patch: `{ suggestions: Suggestion[], quality_score: 0..100, review_iterations: previous + 1,
 * quality_history: [quality_score] }` (declare quality_history `append` to keep the trend).
 */
export const suggestImprovementsTool = defineTool({
  name: 'suggest_improvements',
  description: 'Prioritised suggestions and a 0-100 quality score from the review findings',
  config: z.strictObject({
    weights: z
      .strictObject({
        error: z.number().min(0).default(DEFAULT_WEIGHTS.error),
        warning: z.number().min(0).default(DEFAULT_WEIGHTS.warning),
        info: z.number().min(0).default(DEFAULT_WEIGHTS.info),
      })
      .prefault({})
      .describe('Score penalty per issue of each severity'),
  }),
  run({ state, config }) {
    const issues = read(state, 'issues', issueSchema);
    const complexityIssues = read(state, 'complexity_issues', complexityIssueSchema);
    const functions = read(state, 'functions', functionSchema);
    if (!issues && !complexityIssues && !functions) {
      throw new NonRetryableError(
        'suggest_improvements needs state.issues, state.complexity_issues or state.functions: run detect_issues, check_complexity or extract_functions first',
      );
    }
    const enclosing = (line: number): string | undefined =>
      functions
        ?.filter((f) => f.startLine <= line && line <= f.endLine)
        .sort((a, b) => b.startLine - a.startLine)[0]?.name;

    const suggestions: Suggestion[] = [];
    for (const c of complexityIssues ?? []) {
      suggestions.push({
        priority: c.complexity >= 2 * c.threshold ? 'high' : 'medium',
        rule: 'complexity',
        message: `Simplify ${c.name}: cyclomatic complexity ${c.complexity} exceeds ${c.threshold}. Extract helpers, return early, or replace branches with a lookup table`,
        line: c.line,
      });
    }
    const byRule = new Map<string, NonNullable<typeof issues>>();
    for (const issue of issues ?? []) {
      const group = byRule.get(issue.rule) ?? [];
      group.push(issue);
      byRule.set(issue.rule, group);
    }
    for (const [rule, group] of byRule) {
      const first = group.reduce((a, b) => (b.line < a.line ? b : a));
      const worst = group.some((i) => i.severity === 'error')
        ? 'error'
        : group.some((i) => i.severity === 'warning')
          ? 'warning'
          : 'info';
      const lines = [...new Set(group.map((i) => i.line))].sort((a, b) => a - b);
      const where = lines
        .slice(0, 5)
        .map((l) => {
          const fn = enclosing(l);
          return fn ? `${l} (in ${fn})` : `${l}`;
        })
        .join(', ');
      const more = lines.length > 5 ? ` and ${lines.length - 5} more` : '';
      suggestions.push({
        priority: PRIORITY_OF[worst],
        rule,
        message: `${adviceFor(rule, group.length)}: line${lines.length > 1 ? 's' : ''} ${where}${more}`,
        line: first.line,
      });
    }
    suggestions.sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );

    const score = qualityScore(
      (issues ?? []).map((i) => i.severity),
      complexityIssues ?? [],
      config.weights,
    );
    const previous = state.review_iterations;
    return {
      suggestions,
      quality_score: score,
      review_iterations: (typeof previous === 'number' ? previous : 0) + 1,
      quality_history: [score],
    };
  },
});
