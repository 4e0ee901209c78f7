import ts from 'typescript';
import { type FunctionNode, isFunctionNode } from './walk-functions.js';

const DECISION_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** True when the node adds one path through a function. */
function isDecisionPoint(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.IfStatement:
    case ts.SyntaxKind.ConditionalExpression:
    case ts.SyntaxKind.CaseClause:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.CatchClause:
      return true;
    case ts.SyntaxKind.BinaryExpression:
      return DECISION_OPERATORS.has((node as ts.BinaryExpression).operatorToken.kind);
    default:
      return false;
  }
}

/**
 * McCabe cyclomatic complexity: 1 + decision points (if, ?:, case, loops, catch, && || ??
 * and their assignment forms). `default:` and `else` add none. Nested functions are their own
 * functions: their bodies are not counted in the parent; parameter defaults count for the
 * function that declares them.
 */
export function cyclomaticComplexity(fn: FunctionNode): number {
  let count = 1;
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (isDecisionPoint(node)) count += 1;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return count;
}
