import { z } from 'zod';
import type { State } from '../../engine/graph.js';
import { CodeReviewError } from './errors.js';
import type { ReviewFile, SourceLimits } from './sources.js';

/** Where the code-review tools may read files; set by the server (CODE_REVIEW_ROOT). */
export interface CodeReviewOptions {
  /** Default: the server's working directory. */
  root?: string;
}

export const DEFAULT_LIMITS: SourceLimits = { maxFiles: 500, maxFileBytes: 1_000_000 };

/** A rule's setting as in an ESLint flat config: a severity, or `[severity, ...options]`. */
const severity = z.union([
  z.enum(['off', 'warn', 'error']),
  z.literal(0),
  z.literal(1),
  z.literal(2),
]);
export const rulesSchema = z
  .record(z.string().min(1), z.union([severity, z.tuple([severity]).rest(z.unknown())]))
  .describe('ESLint rule settings over the rule set, e.g. { "no-console": "warn" }');
export type RuleSettings = z.output<typeof rulesSchema>;

/** The config `lint_files` and `fix_files` share: both must see the same rules. */
export const lintConfigSchema = {
  complexity: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(10)
    .describe("ESLint's complexity rule: functions above this are findings"),
  rules: rulesSchema.default({}),
};

/** The node's rules with the run input's `state.rules` over them. */
export function rulesOf(config: { rules: RuleSettings }, state: Readonly<State>): RuleSettings {
  if (state.rules === undefined || state.rules === null) return config.rules;
  const parsed = rulesSchema.safeParse(state.rules);
  if (!parsed.success) {
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_RULES',
      `state.rules: ${parsed.error.issues[0]?.message}; give { "rule-id": "off" | "warn" | "error" | [severity, options] }`,
    );
  }
  return { ...config.rules, ...parsed.data };
}

const fileSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  lines: z.number(),
  changed: z.array(z.tuple([z.number(), z.number()])).optional(),
  inline: z.boolean().optional(),
});

/** `state.files` as load_sources wrote it. */
export function filesOf(state: Readonly<State>, tool: string): ReviewFile[] {
  const parsed = z.array(fileSchema).safeParse(state.files);
  if (!parsed.success) {
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_INPUT',
      `${tool} needs state.files from load_sources (run it first)`,
    );
  }
  return parsed.data;
}

/** A plain-object state key (`edited`, `findings`...), `{}` when absent. */
export function recordOf(state: Readonly<State>, key: string): Record<string, unknown> {
  const value = state[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** `state.to_review`: the paths the next pass looks at. */
export function toReviewOf(state: Readonly<State>): string[] {
  const value = state.to_review;
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
}
