import type ts from 'typescript';
import { collectComments } from './comments.js';
import type { CodeIssue } from './issue.js';
import { positionOf } from './parse.js';

const MARKER = /\b(TODO|FIXME|XXX|HACK)\b[:\s]*(.*)/;

/** Lines longer than `max` characters (line breaks excluded). */
export function longLines(code: string, max: number): CodeIssue[] {
  const issues: CodeIssue[] = [];
  code.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line.length > max) {
      issues.push({
        rule: 'long-line',
        severity: 'info',
        line: i + 1,
        column: max + 1,
        message: `Line is ${line.length} characters long (max ${max}): wrap it`,
      });
    }
  });
  return issues;
}

/** TODO / FIXME / XXX / HACK markers in comments (never in strings or code). */
export function todoComments(sourceFile: ts.SourceFile): CodeIssue[] {
  const issues: CodeIssue[] = [];
  for (const comment of collectComments(sourceFile)) {
    const match = MARKER.exec(comment.text);
    if (!match) continue;
    const at = positionOf(sourceFile, comment.pos + match.index);
    const note =
      (match[2] ?? '')
        .split(/\r?\n/)[0]
        ?.replace(/\*\/\s*$/, '')
        .trim() ?? '';
    issues.push({
      rule: 'todo-comment',
      severity: 'info',
      line: at.line,
      column: at.column,
      message: `${match[1]} comment${note ? `: "${note.slice(0, 80)}"` : ''}: resolve it or track it in an issue`,
    });
  }
  return issues;
}
