import ts from 'typescript';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { isConsoleCall, isLooseEquality } from './ast-rules.js';
import { applyEdits, mayHaveSideEffects, removeStatement, type TextEdit } from './edits.js';
import { parseCode, parseStateCode, positionOf } from './parse.js';

export interface AppliedFix {
  rule: 'console-call' | 'debugger-statement' | 'loose-equality';
  line: number;
  description: string;
}

type Planned = TextEdit & { fix: AppliedFix };

/**
 * Mechanical, safe fixes to `state.code`: drops `console.*(...)` statements whose arguments have
 * no side effects, drops `debugger;`, and turns `==`/`!=` into `===`/`!==` (not `== null`).
 * Code with syntax errors is left alone, and so is any result that would not parse.
 * Patch: `{ fixes_applied: AppliedFix[] }`, plus `code` when something changed.
 */
export const applyFixesTool = defineTool({
  name: 'apply_fixes',
  description:
    'Applies mechanical fixes to state.code: removes console calls and debugger statements, and turns ==/!= into ===/!== (this changes type coercion; strictEquality: false keeps them)',
  config: z.strictObject({
    removeConsole: z.boolean().default(true),
    removeDebugger: z.boolean().default(true),
    strictEquality: z.boolean().default(true),
  }),
  run({ state, config, log }) {
    const parsed = parseStateCode(state, 'apply_fixes');
    if (parsed.syntaxErrors.length > 0) {
      log('apply_fixes: code has syntax errors, nothing changed', undefined, 'warn');
      return { fixes_applied: [] };
    }
    const sf = parsed.sourceFile;
    const lineOf = (node: ts.Node) => positionOf(sf, node.getStart(sf)).line;
    const planned: Planned[] = [];
    const visit = (node: ts.Node): void => {
      if (
        config.removeConsole &&
        ts.isExpressionStatement(node) &&
        isConsoleCall(node.expression) &&
        !node.expression.arguments.some(mayHaveSideEffects)
      ) {
        const callee = node.expression.expression.getText(sf);
        planned.push({
          ...removeStatement(node, sf),
          fix: { rule: 'console-call', line: lineOf(node), description: `Removed ${callee}()` },
        });
      } else if (config.removeDebugger && ts.isDebuggerStatement(node)) {
        planned.push({
          ...removeStatement(node, sf),
          fix: { rule: 'debugger-statement', line: lineOf(node), description: 'Removed debugger' },
        });
      } else if (config.strictEquality && isLooseEquality(node)) {
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
    if (planned.length === 0) return { fixes_applied: [] };

    const { text, applied } = applyEdits(parsed.code, planned);
    if (parseCode(text, parsed.filename).syntaxErrors.length > 0) {
      log('apply_fixes: the fixed code would not parse, nothing changed', undefined, 'warn');
      return { fixes_applied: [] };
    }
    const fixes = (applied as Planned[]).map((p) => p.fix);
    log(`apply_fixes: ${fixes.length} fix(es) applied`, { fixes: fixes.length });
    return { code: text, fixes_applied: fixes };
  },
});
