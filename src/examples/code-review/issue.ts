export type Severity = 'info' | 'warning' | 'error';

/** One finding of `detect_issues`. Lines and columns are 1-based. */
export interface CodeIssue {
  rule: string;
  severity: Severity;
  line: number;
  column?: number;
  message: string;
}

export const RULES = [
  'long-line',
  'todo-comment',
  'console-call',
  'missing-doc',
  'explicit-any',
  'debugger-statement',
  'empty-catch',
  'loose-equality',
  'too-many-params',
  'deep-nesting',
  'long-function',
  'no-var',
] as const;
export type RuleName = (typeof RULES)[number];

/** Always reported (cannot be disabled): the rest of the analysis may be off when it fires. */
export const PARSE_ERROR = 'parse-error';

export const SEVERITY: Readonly<Record<RuleName | typeof PARSE_ERROR, Severity>> = {
  'parse-error': 'error',
  'debugger-statement': 'error',
  'console-call': 'warning',
  'explicit-any': 'warning',
  'empty-catch': 'warning',
  'loose-equality': 'warning',
  'too-many-params': 'warning',
  'deep-nesting': 'warning',
  'long-function': 'warning',
  'missing-doc': 'info',
  'todo-comment': 'info',
  'long-line': 'info',
  'no-var': 'info',
};

export function compareIssues(a: CodeIssue, b: CodeIssue): number {
  return (
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
