import ts from 'typescript';
import { isConsoleCall, isLooseEquality } from './ast-rules.js';
import { mayHaveSideEffects, removeStatement, type TextEdit } from './edits.js';
import { positionOf } from './parse.js';

export interface AppliedFix {
  rule: 'console-call' | 'debugger-statement' | 'loose-equality';
  line: number;
  description: string;
}

export interface FixOptions {
  removeConsole: boolean;
  removeDebugger: boolean;
  strictEquality: boolean;
}

export type PlannedFix = TextEdit & { fix: AppliedFix };

/** The edits `apply_fixes` would make to a parsed file, in source order; nothing is applied. */
export function planFixes(sf: ts.SourceFile, options: FixOptions): PlannedFix[] {
  const lineOf = (node: ts.Node) => positionOf(sf, node.getStart(sf)).line;
  const planned: PlannedFix[] = [];
  const visit = (node: ts.Node): void => {
    if (
      options.removeConsole &&
      ts.isExpressionStatement(node) &&
      isConsoleCall(node.expression) &&
      !node.expression.arguments.some(mayHaveSideEffects)
    ) {
      const callee = node.expression.expression.getText(sf);
      planned.push({
        ...removeStatement(node, sf),
        fix: { rule: 'console-call', line: lineOf(node), description: `Removed ${callee}()` },
      });
    } else if (options.removeDebugger && ts.isDebuggerStatement(node)) {
      planned.push({
        ...removeStatement(node, sf),
        fix: { rule: 'debugger-statement', line: lineOf(node), description: 'Removed debugger' },
      });
    } else if (options.strictEquality && isLooseEquality(node)) {
      const token = node.operatorToken;
      const strict = token.kind === ts.SyntaxKind.EqualsEqualsToken ? '===' : '!==';
      planned.push({
        start: token.getStart(sf),
        end: token.getEnd(),
        text: strict,
        fix: {
          rule: 'loose-equality',
          line: lineOf(token),
          description: `Replaced ${token.getText(sf)} with ${strict}`,
        },
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return planned;
}
