import ts from 'typescript';

export interface Comment {
  pos: number;
  end: number;
  text: string;
  kind: ts.CommentKind;
}

/**
 * Every comment of a file, in order, found through the parser's tokens (so `//` inside a string,
 * template, regex or JSX text is not a comment). Each token's leading trivia and trailing
 * same-line trivia are read with the compiler's comment scanner.
 */
export function collectComments(sourceFile: ts.SourceFile): Comment[] {
  const text = sourceFile.text;
  const byPos = new Map<number, Comment>();
  const add = (pos: number, end: number, kind: ts.CommentKind) => {
    if (!byPos.has(pos)) byPos.set(pos, { pos, end, kind, text: text.slice(pos, end) });
  };
  // JSX text is content, not trivia: "// x" inside <p>…</p> is shown to the user, yet the
  // comment scanner would read it as the trailing comment of the `>` before it.
  const jsxText: Array<[number, number]> = [];
  const visitToken = (token: ts.Node) => {
    if (
      token.kind === ts.SyntaxKind.JsxText ||
      token.kind === ts.SyntaxKind.JsxTextAllWhiteSpaces
    ) {
      jsxText.push([token.pos, token.end]);
      return;
    }
    ts.forEachLeadingCommentRange(text, token.pos, add);
    ts.forEachTrailingCommentRange(text, token.end, add);
  };
  const visit = (node: ts.Node): void => {
    // JSDoc nodes are views over comments that the trivia scan already finds.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) {
      return;
    }
    const children = node.getChildren(sourceFile);
    if (children.length === 0) {
      visitToken(node);
      return;
    }
    for (const child of children) visit(child);
  };
  visit(sourceFile);
  return [...byPos.values()]
    .filter((c) => !jsxText.some(([pos, end]) => c.pos >= pos && c.pos < end))
    .sort((a, b) => a.pos - b.pos);
}
