import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { CodeReviewError } from './errors.js';
import { type Finding, type FunctionMetric, PARSE_ERROR } from './finding.js';
import type { RuleSettings } from './options.js';
import { ruleSet, SOURCE_FILES, withMetrics } from './rule-set.js';

/**
 * The ESLint half of the review: every module under it imports eslint and typescript-eslint
 * (and through its parser, TypeScript). Tools reach it only through `loadLinter()`.
 */

/**
 * ESLint matches config `files` against names under its cwd; the review's names (root-relative,
 * or an inline filename) are placed under a fixed virtual directory, so the server's working
 * directory and a `..` in an inline name change nothing.
 */
const VIRTUAL_ROOT = '/review';
const linter = new Linter({ configType: 'flat', cwd: VIRTUAL_ROOT });
const lintName = (path: string) =>
  `${VIRTUAL_ROOT}/${path
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/')}`;
const configs = new Map<string, Linter.Config[]>();

function configFor(threshold: number, rules: RuleSettings, measure: boolean): Linter.Config[] {
  const key = JSON.stringify([threshold, rules, measure]);
  let config = configs.get(key);
  if (!config) {
    config = ruleSet(threshold, rules, measure);
    if (configs.size >= 32) configs.delete(configs.keys().next().value as string);
    configs.set(key, config);
  }
  return config;
}

/** ESLint throws on a rule it does not know or on bad rule options: that is the input's fault. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CodeReviewError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_RULES',
      `ESLint refused the rule settings: ${message.split('\n')[0]}`,
    );
  }
}

function toFinding(path: string, m: Linter.LintMessage): Finding {
  const finding: Finding = {
    path,
    line: m.line || 1,
    column: m.column || 1,
    rule: m.fatal || !m.ruleId ? PARSE_ERROR : m.ruleId,
    severity: m.severity === 2 || m.fatal ? 'error' : 'warning',
    message: m.message,
    fixable: m.fix !== undefined,
  };
  if (m.endLine !== undefined) finding.endLine = m.endLine;
  if (m.endColumn !== undefined) finding.endColumn = m.endColumn;
  return finding;
}

export interface LintResult {
  findings: Finding[];
  functions: FunctionMetric[];
}

/** ESLint's messages for one file and the complexity of each of its functions. */
export function lintText(
  text: string,
  path: string,
  threshold: number,
  rules: RuleSettings,
): LintResult {
  const config = configFor(threshold, rules, true);
  const { result, metrics } = guarded(() =>
    withMetrics(() => linter.verify(text, config, { filename: lintName(path) })),
  );
  return { findings: result.map((m) => toFinding(path, m)), functions: metrics };
}

const PARSE_ONLY: Linter.Config[] = [
  { files: SOURCE_FILES },
  tseslint.configs.base as Linter.Config,
  {
    files: ['**/*.{jsx,tsx}'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
  },
];
/** Kept by every fix: blocks, `;` and labels may go, statements may not. */
const NOT_COUNTED = new Set(['BlockStatement', 'EmptyStatement', 'LabeledStatement']);

/** Statements and declarations in a file (undefined: it does not parse). */
export function statementCount(text: string, path: string): number | undefined {
  const messages = linter.verify(text, PARSE_ONLY, { filename: lintName(path) });
  if (messages.some((m) => m.fatal)) return undefined;
  const source = linter.getSourceCode();
  const keys = source.visitorKeys as Record<string, readonly string[] | undefined>;
  let count = 0;
  const stack: unknown[] = [source.ast];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> & { type: string };
    if (/(Statement|Declaration)$/.test(node.type) && !NOT_COUNTED.has(node.type)) count++;
    for (const key of keys[node.type] ?? []) {
      const child = node[key];
      for (const c of Array.isArray(child) ? child : [child]) {
        if (
          c !== null &&
          typeof c === 'object' &&
          typeof (c as { type?: unknown }).type === 'string'
        )
          stack.push(c);
      }
    }
  }
  return count;
}

export interface FixResult {
  output: string;
  /** Rules whose fixes were left out because they removed a statement. */
  refused: string[];
  /** ESLint's messages on the output (the same rule set). */
  remaining: Finding[];
}

/**
 * ESLint's own autofixes (`verifyAndFix`; suggestions are never applied), only for messages
 * `allow` accepts (a diff's changed lines). A rule whose fixes leave fewer statements than the
 * file had (`no-useless-return`, `one-var`, `arrow-body-style`...) is left out: a fix never
 * deletes a statement. Output that would not parse is never returned. Rules in `exclude` (refused
 * on an earlier pass) are not tried again.
 */
export function fixText(
  text: string,
  path: string,
  threshold: number,
  rules: RuleSettings,
  allow: (line: number) => boolean,
  exclude: ReadonlySet<string> = new Set(),
): FixResult {
  const config = configFor(threshold, rules, false);
  const before = statementCount(text, path);
  const run = (accept: (m: Linter.LintMessage) => boolean) =>
    guarded(() =>
      // `fix` takes a predicate as well as a boolean (documented; the typings say boolean only).
      linter.verifyAndFix(text, config, {
        filename: lintName(path),
        fix: ((m: Linter.LintMessage) =>
          allow(m.line) && !exclude.has(m.ruleId ?? '') && accept(m)) as unknown as boolean,
      }),
    );
  const keeps = (output: string) => {
    const after = statementCount(output, path);
    return before !== undefined && after !== undefined && after >= before;
  };
  let report = run(() => true);
  const refused: string[] = [];
  if (report.fixed && !keeps(report.output)) {
    const tried = new Set<string>();
    for (const m of linter.verify(text, config, { filename: lintName(path) })) {
      if (!m.fix || !m.ruleId || tried.has(m.ruleId) || exclude.has(m.ruleId) || !allow(m.line))
        continue;
      tried.add(m.ruleId);
      const alone = run((x) => x.ruleId === m.ruleId);
      if (alone.fixed && !keeps(alone.output)) refused.push(m.ruleId);
    }
    report = run((m) => !refused.includes(m.ruleId ?? ''));
    if (report.fixed && !keeps(report.output)) {
      // Fixes that keep the statements alone but not together: none is applied.
      refused.splice(0, refused.length, ...tried);
      report = { fixed: false, output: text, messages: [] };
    }
  }
  const remaining = report.fixed
    ? report.messages
    : linter.verify(text, config, { filename: lintName(path) });
  return {
    output: report.fixed ? report.output : text,
    refused: refused.sort(),
    remaining: remaining.map((m) => toFinding(path, m)),
  };
}

/** The ESLint version the findings come from (SARIF's tool.driver.version). */
export const ESLINT_VERSION: string = Linter.version;
