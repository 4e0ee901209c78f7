import ts from 'typescript';
import type { FoundFunction } from './functions.js';
import { type CodeIssue, type RuleName, SEVERITY } from './issue.js';
import { positionOf } from './parse.js';
import { hasJsDoc, hasModifier, isFunctionNode, localExportNames } from './walk-functions.js';

export interface AstRuleOptions {
  enabled(rule: RuleName): boolean;
  maxParams: number;
  maxNesting: number;
  maxFunctionLines: number;
}

/** `console.x(...)` or `console['x'](...)`. */
export function isConsoleCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (
    (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'console'
  );
}

/** `==` or `!=` where neither side is `null` (`x == null` is the idiomatic nullish check). */
export function isLooseEquality(node: ts.Node): node is ts.BinaryExpression {
  if (!ts.isBinaryExpression(node)) return false;
  const op = node.operatorToken.kind;
  if (op !== ts.SyntaxKind.EqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) {
    return false;
  }
  return (
    node.left.kind !== ts.SyntaxKind.NullKeyword && node.right.kind !== ts.SyntaxKind.NullKeyword
  );
}

function isNestingStatement(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.IfStatement:
      // `else if` continues a chain at the same level.
      return !(ts.isIfStatement(node.parent) && node.parent.elseStatement === node);
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.SwitchStatement:
    case ts.SyntaxKind.TryStatement:
      return true;
    default:
      return false;
  }
}

function isEmptyCatch(node: ts.CatchClause, sourceFile: ts.SourceFile): boolean {
  const block = node.block;
  if (block.statements.length > 0) return false;
  // A comment inside says the swallow is deliberate.
  const inner = sourceFile.text.slice(block.getStart(sourceFile) + 1, block.getEnd() - 1);
  return inner.trim() === '';
}

/** Rules that need the syntax tree, in one walk. */
export function astIssues(
  sourceFile: ts.SourceFile,
  functions: readonly FoundFunction[],
  options: AstRuleOptions,
): CodeIssue[] {
  const issues: CodeIssue[] = [];
  const report = (rule: RuleName, node: ts.Node, message: string) => {
    if (!options.enabled(rule)) return;
    const { line, column } = positionOf(sourceFile, node.getStart(sourceFile));
    issues.push({ rule, severity: SEVERITY[rule], line, column, message });
  };

  for (const { node, info } of functions) {
    if (info.params > options.maxParams) {
      report(
        'too-many-params',
        node,
        `${info.name} takes ${info.params} parameters (max ${options.maxParams}): pass an options object`,
      );
    }
    if (info.lines > options.maxFunctionLines) {
      report(
        'long-function',
        node,
        `${info.name} is ${info.lines} lines long (max ${options.maxFunctionLines}): extract helpers`,
      );
    }
    if (info.exported && !info.hasDocComment) {
      report('missing-doc', node, `Exported function ${info.name} has no JSDoc comment`);
    }
  }

  const exportedNames = localExportNames(sourceFile);
  const visit = (node: ts.Node, depth: number, nestingReported: boolean): void => {
    if (isFunctionNode(node)) {
      ts.forEachChild(node, (child) => visit(child, 0, false));
      return;
    }
    if (isNestingStatement(node)) {
      depth += 1;
      if (depth > options.maxNesting && !nestingReported) {
        report(
          'deep-nesting',
          node,
          `Blocks are nested ${depth} levels deep (max ${options.maxNesting}): return early or extract a function`,
        );
        nestingReported = true;
      }
    }
    checkNode(node);
    ts.forEachChild(node, (child) => visit(child, depth, nestingReported));
  };

  const checkNode = (node: ts.Node) => {
    if (isConsoleCall(node)) {
      report(
        'console-call',
        node,
        `Remove ${node.expression.getText(sourceFile)}() or use a logger`,
      );
    } else if (node.kind === ts.SyntaxKind.DebuggerStatement) {
      report('debugger-statement', node, 'Remove the debugger statement');
    } else if (node.kind === ts.SyntaxKind.AnyKeyword) {
      report(
        'explicit-any',
        node,
        'Explicit any disables type checking: use unknown or a real type',
      );
    } else if (ts.isCatchClause(node) && isEmptyCatch(node, sourceFile)) {
      report(
        'empty-catch',
        node,
        'Empty catch block swallows errors: handle, rethrow or comment why',
      );
    } else if (isLooseEquality(node)) {
      const op = node.operatorToken.getText(sourceFile);
      report(
        'loose-equality',
        node.operatorToken,
        `Use ${op}= instead of ${op} (no type coercion)`,
      );
    } else if (
      ts.isVariableDeclarationList(node) &&
      (node.flags & ts.NodeFlags.BlockScoped) === 0
    ) {
      report('no-var', node, 'Use let or const instead of var');
    } else if (ts.isClassDeclaration(node) && ts.isSourceFile(node.parent)) {
      const exported =
        hasModifier(node, ts.SyntaxKind.ExportKeyword) ||
        (node.name !== undefined && exportedNames.has(node.name.text));
      if (exported && !hasJsDoc(node, sourceFile)) {
        report(
          'missing-doc',
          node,
          `Exported class ${node.name?.text ?? 'default'} has no JSDoc comment`,
        );
      }
    }
  };

  visit(sourceFile, 0, false);
  return issues;
}
