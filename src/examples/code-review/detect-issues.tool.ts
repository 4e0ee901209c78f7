import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { type CodeIssue, compareIssues, PARSE_ERROR, RULES, type RuleName } from './issue.js';
import { loadAnalysis } from './load-analysis.js';

const ruleToggles = z
  .strictObject(
    Object.fromEntries(RULES.map((rule) => [rule, z.boolean().default(true)])) as Record<
      RuleName,
      z.ZodDefault<z.ZodBoolean>
    >,
  )
  .prefault({})
  .describe('Turn single rules off: { "long-line": false }');

/**
 * Lints `state.code` like a reviewer would. Patch: `{ issues: CodeIssue[] }` sorted by line,
 * column and rule. A syntax error becomes a `parse-error` issue (severity error), never a throw.
 */
export const detectIssuesTool = defineTool({
  name: 'detect_issues',
  description:
    'Finds review issues in state.code: long lines, TODOs, console calls, missing docs, any, debugger, empty catch, ==, long parameter lists, deep nesting, long functions, var',
  config: z.strictObject({
    maxLineLength: z.number().int().min(20).max(1_000).default(100),
    maxParams: z.number().int().min(0).max(50).default(4),
    maxNesting: z.number().int().min(1).max(50).default(4),
    maxFunctionLines: z.number().int().min(1).max(10_000).default(50),
    rules: ruleToggles,
  }),
  async run({ state, config }) {
    const { astIssues, functionsOf, longLines, parseStateCode, todoComments } =
      await loadAnalysis();
    const parsed = parseStateCode(state, 'detect_issues');
    const enabled = (rule: RuleName) => config.rules[rule];
    const issues: CodeIssue[] = parsed.syntaxErrors.map((e) => ({
      rule: PARSE_ERROR,
      severity: 'error',
      line: e.line,
      column: e.column,
      message: `Syntax error: ${e.message}`,
    }));
    if (enabled('long-line')) issues.push(...longLines(parsed.code, config.maxLineLength));
    if (enabled('todo-comment')) issues.push(...todoComments(parsed.sourceFile));
    issues.push(
      ...astIssues(parsed.sourceFile, functionsOf(parsed), {
        enabled,
        maxParams: config.maxParams,
        maxNesting: config.maxNesting,
        maxFunctionLines: config.maxFunctionLines,
      }),
    );
    return { issues: issues.sort(compareIssues) };
  },
});
