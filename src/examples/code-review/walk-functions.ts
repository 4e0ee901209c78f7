import ts from 'typescript';
import { endLineOf, startLineOf } from './parse.js';

export type FunctionKind =
  | 'function'
  | 'method'
  | 'arrow'
  | 'function-expression'
  | 'constructor'
  | 'getter'
  | 'setter';

export const ANONYMOUS = '<anonymous>';

/** One function found in the source: what `extract_functions` returns per function. */
export interface FunctionInfo {
  name: string;
  kind: FunctionKind;
  startLine: number;
  endLine: number;
  /** Number of declared parameters (`this` parameters excluded). */
  params: number;
  exported: boolean;
  async: boolean;
  hasDocComment: boolean;
  lines: number;
}

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Every function with a body, in source order (outer before inner). Overload signatures are skipped. */
export function collectFunctions(sourceFile: ts.SourceFile): FunctionNode[] {
  const found: FunctionNode[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node) && node.body !== undefined) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

export function describeFunction(
  node: FunctionNode,
  sourceFile: ts.SourceFile,
  exportedNames: ReadonlySet<string>,
): FunctionInfo {
  const startLine = startLineOf(node, sourceFile);
  const endLine = endLineOf(node, sourceFile);
  const name = functionName(node);
  return {
    name,
    kind: kindOf(node),
    startLine,
    endLine,
    params: node.parameters.filter((p) => !isThisParameter(p)).length,
    exported: isExported(node, name, exportedNames),
    async: hasModifier(node, ts.SyntaxKind.AsyncKeyword),
    hasDocComment: hasJsDoc(docHost(node), sourceFile),
    lines: endLine - startLine + 1,
  };
}

function kindOf(node: FunctionNode): FunctionKind {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
      return 'function';
    case ts.SyntaxKind.MethodDeclaration:
      return 'method';
    case ts.SyntaxKind.ArrowFunction:
      return 'arrow';
    case ts.SyntaxKind.FunctionExpression:
      return 'function-expression';
    case ts.SyntaxKind.Constructor:
      return 'constructor';
    case ts.SyntaxKind.GetAccessor:
      return 'getter';
    case ts.SyntaxKind.SetAccessor:
      return 'setter';
  }
}

/** The name a reader would use: declared name, else the variable/property it is assigned to. */
export function functionName(node: FunctionNode): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isFunctionDeclaration(node)) {
    if (node.name) return node.name.text;
    return hasModifier(node, ts.SyntaxKind.DefaultKeyword) ? 'default' : ANONYMOUS;
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const target = assignmentTarget(node);
    if (target) return target;
    return ts.isFunctionExpression(node) && node.name ? node.name.text : ANONYMOUS;
  }
  return propertyNameText(node.name) ?? ANONYMOUS;
}

/** Skips wrappers that do not change which function a value is: parentheses, `as`, `satisfies`, `!`. */
function outerExpression(node: ts.Node): ts.Node {
  let current = node;
  while (
    ts.isParenthesizedExpression(current.parent) ||
    ts.isAsExpression(current.parent) ||
    ts.isSatisfiesExpression(current.parent) ||
    ts.isTypeAssertionExpression(current.parent) ||
    ts.isNonNullExpression(current.parent)
  ) {
    current = current.parent;
  }
  return current;
}

function assignmentTarget(node: ts.ArrowFunction | ts.FunctionExpression): string | undefined {
  const outer = outerExpression(node);
  const parent = outer.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === outer) {
    return ts.isIdentifier(parent.name) ? parent.name.text : undefined;
  }
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.initializer === outer
  ) {
    return propertyNameText(parent.name);
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === outer &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    if (ts.isIdentifier(parent.left)) return parent.left.text;
    if (ts.isPropertyAccessExpression(parent.left)) return parent.left.name.text;
  }
  if (ts.isExportAssignment(parent)) return 'default';
  return undefined;
}

function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  if (ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`;
  return undefined;
}

function isThisParameter(param: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(param.name) && param.name.text === 'this';
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/**
 * The node whose leading comment documents the function: the function itself, or the statement
 * or property that assigns it (`/** ... *\/ export const f = () => {}`).
 */
export function docHost(node: FunctionNode): ts.Node {
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return node;
  const parent = outerExpression(node).parent;
  if (ts.isVariableDeclaration(parent)) {
    const list = parent.parent;
    if (ts.isVariableDeclarationList(list) && ts.isVariableStatement(list.parent)) {
      return list.declarations[0] === parent ? list.parent : parent;
    }
    return parent;
  }
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent;
  if (ts.isBinaryExpression(parent) && ts.isExpressionStatement(parent.parent)) {
    return parent.parent;
  }
  if (ts.isExportAssignment(parent)) return parent;
  return node;
}

/** True when a `/** ... *\/` comment directly precedes the node. */
export function hasJsDoc(node: ts.Node, sourceFile: ts.SourceFile): boolean {
  const ranges = ts.getLeadingCommentRanges(sourceFile.text, node.getFullStart()) ?? [];
  return ranges.some((r) => {
    const text = sourceFile.text.slice(r.pos, r.end);
    return (
      r.kind === ts.SyntaxKind.MultiLineCommentTrivia && text.startsWith('/**') && text !== '/**/'
    );
  });
}

/** Names exported through `export { a, b as c }` clauses without a module specifier. */
export function localExportNames(sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const el of statement.exportClause.elements) {
        names.add((el.propertyName ?? el.name).text);
      }
    }
    if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      names.add(statement.expression.text);
    }
  }
  return names;
}

/**
 * Exported means visible to importers: an `export`ed declaration, an `export default`, a variable
 * of an exported statement, or a name in an `export { }` clause. Methods are never exported
 * themselves (their class is).
 */
function isExported(node: FunctionNode, name: string, exportedNames: ReadonlySet<string>): boolean {
  if (ts.isFunctionDeclaration(node)) {
    if (!ts.isSourceFile(node.parent)) return false;
    return hasModifier(node, ts.SyntaxKind.ExportKeyword) || exportedNames.has(name);
  }
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return false;
  const parent = outerExpression(node).parent;
  if (ts.isExportAssignment(parent)) return true;
  if (!ts.isVariableDeclaration(parent) || !ts.isVariableDeclarationList(parent.parent)) {
    return false;
  }
  const statement = parent.parent.parent;
  if (!ts.isVariableStatement(statement) || !ts.isSourceFile(statement.parent)) return false;
  return hasModifier(statement, ts.SyntaxKind.ExportKeyword) || exportedNames.has(name);
}
