/** One ESLint message, as the review reports it. Lines and columns are 1-based. */
export interface Finding {
  path: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** The ESLint rule id (`complexity`, `@typescript-eslint/no-explicit-any`), or `parse-error`. */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** ESLint has an autofix for it (suggestions do not count: they are never applied). */
  fixable: boolean;
}

/** One function's cyclomatic complexity, as ESLint's complexity rule counts it. */
export interface FunctionMetric {
  name: string;
  line: number;
  complexity: number;
}

/** The rule id of a file ESLint could not parse. */
export const PARSE_ERROR = 'parse-error';

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
