import js from '@eslint/js';
import type { Linter, Rule } from 'eslint';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';
import type { FunctionMetric } from './finding.js';
import type { RuleSettings } from './options.js';

/** Where the complexity of every function is collected during one `verify` (synchronous). */
let collecting: FunctionMetric[] | undefined;

/**
 * ESLint's own `complexity` rule, run at `max: 0` so it measures every function; its reports
 * are taken as metrics (name and count from the rule's data) instead of becoming messages. The
 * numbers are ESLint's, not a second implementation's.
 */
function functionMetricsRule(): Rule.RuleModule {
  const complexity = builtinRules.get('complexity');
  if (!complexity) throw new Error('ESLint has no complexity rule');
  return {
    meta: {
      ...complexity.meta,
      docs: { description: 'Collects the complexity of every function' },
    },
    create(context) {
      const measuring = Object.create(context, {
        report: {
          value(d: {
            node?: { loc?: { start: { line: number } } | null };
            loc?: unknown;
            data?: Record<string, unknown>;
          }) {
            const line = d.node?.loc?.start.line ?? 0;
            collecting?.push({
              name: String(d.data?.name ?? 'function'),
              line,
              complexity: Number(d.data?.complexity ?? 0),
            });
          },
        },
      }) as Rule.RuleContext;
      return complexity.create(measuring);
    },
  };
}

/** Collects the metrics of the `verify` call `fn` makes. */
export function withMetrics<T>(fn: () => T): { result: T; metrics: FunctionMetric[] } {
  const metrics: FunctionMetric[] = [];
  collecting = metrics;
  try {
    return { result: fn(), metrics };
  } finally {
    collecting = undefined;
  }
}

export const SOURCE_FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

/**
 * The rule set: `@eslint/js` recommended, typescript-eslint's `recommended` (the rules that need
 * no type information, so no tsconfig or program is built; its overrides for TypeScript files turn
 * on `no-var`, `prefer-const`...), `complexity` at the threshold as a warning, `no-undef` off,
 * then the caller's rule settings over them. JSX is parsed in .jsx/.tsx files.
 */
export function ruleSet(threshold: number, rules: RuleSettings, measure: boolean): Linter.Config[] {
  return [
    { files: SOURCE_FILES },
    js.configs.recommended,
    ...(tseslint.configs.recommended as Linter.Config[]),
    {
      files: ['**/*.{jsx,tsx}'],
      languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    },
    {
      files: SOURCE_FILES,
      linterOptions: { reportUnusedDisableDirectives: 'off' },
      rules: {
        // Without the project's environment (node, browser: the `globals` package) every global
        // would be "not defined"; for TypeScript the compiler checks it (typescript-eslint's advice).
        'no-undef': 'off',
        complexity: ['warn', { max: threshold }],
        ...(rules as Linter.RulesRecord),
      },
    },
    ...(measure
      ? [
          {
            files: SOURCE_FILES,
            plugins: { review: { rules: { 'function-complexity': functionMetricsRule() } } },
            rules: { 'review/function-complexity': ['warn', { max: 0 }] },
          } satisfies Linter.Config,
        ]
      : []),
  ];
}
