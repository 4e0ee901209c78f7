import ts from 'typescript';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies edits to `text`. An edit inside (or overlapping) an earlier-starting edit is dropped:
 * removing a statement already removes every fix inside it.
 */
export function applyEdits(
  text: string,
  edits: readonly TextEdit[],
): { text: string; applied: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const applied: TextEdit[] = [];
  let lastEnd = -1;
  for (const edit of sorted) {
    if (edit.start < lastEnd) continue;
    applied.push(edit);
    lastEnd = Math.max(lastEnd, edit.end);
  }
  let out = text;
  for (let i = applied.length - 1; i >= 0; i--) {
    const edit = applied[i]!;
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { text: out, applied };
}

function isStatementList(node: ts.Node): boolean {
  return (
    ts.isBlock(node) ||
    ts.isSourceFile(node) ||
    ts.isModuleBlock(node) ||
    ts.isCaseClause(node) ||
    ts.isDefaultClause(node)
  );
}

/**
 * Removes a statement. In a statement list it is deleted (with its line when it stands alone on
 * it); as the single body of an if/loop/label it becomes `{}` so the code keeps its meaning.
 */
export function removeStatement(statement: ts.Statement, sourceFile: ts.SourceFile): TextEdit {
  const text = sourceFile.text;
  const start = statement.getStart(sourceFile);
  const end = statement.getEnd();
  if (!isStatementList(statement.parent)) return { start, end, text: '{}' };
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  const aloneBefore = /^[ \t]*$/.test(text.slice(lineStart, start));
  const aloneAfter = lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r';
  if (aloneBefore && aloneAfter) {
    if (text[lineEnd] === '\r') lineEnd++;
    if (text[lineEnd] === '\n') lineEnd++;
    return { start: lineStart, end: lineEnd, text: '' };
  }
  return { start, end: lineEnd === end ? end : lineEnd, text: '' };
}

/**
 * Conservative: true when evaluating the expression might change something (calls, `new`,
 * assignments, ++/--, await, yield, delete). Function bodies are not entered: creating a closure
 * runs nothing.
 */
export function mayHaveSideEffects(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) return;
    if (
      ts.isCallExpression(n) ||
      ts.isNewExpression(n) ||
      ts.isTaggedTemplateExpression(n) ||
      ts.isAwaitExpression(n) ||
      ts.isYieldExpression(n) ||
      ts.isDeleteExpression(n) ||
      ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
        (n.operator === ts.SyntaxKind.PlusPlusToken ||
          n.operator === ts.SyntaxKind.MinusMinusToken)) ||
      (ts.isBinaryExpression(n) &&
        n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        n.operatorToken.kind <= ts.SyntaxKind.LastAssignment)
    ) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}
