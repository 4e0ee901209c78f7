import ts from 'typescript';
import { NonRetryableError } from '../../engine/errors.js';
import type { State } from '../../engine/graph.js';
import { optionalString, requireString } from '../../tools/input.js';

export const DEFAULT_FILENAME = 'input.ts';
/** Larger sources are refused: the tools are for review-sized files, not bundles. */
export const MAX_CODE_LENGTH = 1_000_000;

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export interface ParsedCode {
  readonly filename: string;
  readonly code: string;
  readonly sourceFile: ts.SourceFile;
  /** Syntax errors found by the parser; the tree is still usable (the parser recovers). */
  readonly syntaxErrors: readonly SyntaxProblem[];
}

/** The script kind from the extension: .tsx/.jsx enable JSX, .js/.jsx/.mjs/.cjs are JavaScript. */
export function scriptKindFor(filename: string): ts.ScriptKind {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Reads `state.code` (required) and `state.filename` (default input.ts) and parses them. */
export function parseStateCode(state: Readonly<State>, tool: string): ParsedCode {
  const code = requireString(state, 'code', tool);
  const filename = optionalString(state, 'filename', tool, DEFAULT_FILENAME);
  if (code.length > MAX_CODE_LENGTH) {
    throw new NonRetryableError(
      `${tool}: state.code is ${code.length} characters, over ${MAX_CODE_LENGTH}`,
    );
  }
  return parseCode(code, filename);
}

const cache = new Map<string, ParsedCode>();
const CACHE_SIZE = 16;

/**
 * Parses once per (filename, code): the review tools of one iteration share the tree. Source
 * files are not mutated by the tools, so sharing them is safe.
 */
export function parseCode(code: string, filename = DEFAULT_FILENAME): ParsedCode {
  const key = `${filename}\u0000${code}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const sourceFile = ts.createSourceFile(
    filename,
    code,
    ts.ScriptTarget.Latest,
    true,
    scriptKindFor(filename),
  );
  const parsed: ParsedCode = {
    filename,
    code,
    sourceFile,
    syntaxErrors: syntaxErrorsOf(sourceFile),
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, parsed);
  return parsed;
}

function syntaxErrorsOf(sourceFile: ts.SourceFile): SyntaxProblem[] {
  return parseDiagnostics(sourceFile).map((d) => {
    const { line, column } = positionOf(sourceFile, d.start ?? 0);
    return { line, column, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}

/**
 * `parseDiagnostics` is not in the public typings but has been on every SourceFile for years;
 * it is what the compiler reports as syntactic diagnostics. The fallback re-parses through the
 * public transpile API should a future version drop the property.
 */
function parseDiagnostics(sourceFile: ts.SourceFile): readonly ts.Diagnostic[] {
  const internal = (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] })
    .parseDiagnostics;
  if (internal) return internal;
  const out = ts.transpileModule(sourceFile.text, {
    fileName: sourceFile.fileName,
    reportDiagnostics: true,
    compilerOptions: { jsx: ts.JsxEmit.Preserve },
  });
  return out.diagnostics ?? [];
}

/** 1-based line and column of a position. */
export function positionOf(
  sourceFile: ts.SourceFile,
  pos: number,
): { line: number; column: number } {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(pos);
  return { line: line + 1, column: character + 1 };
}

/** 1-based line where a node's first token starts (leading comments excluded). */
export function startLineOf(node: ts.Node, sourceFile: ts.SourceFile): number {
  return positionOf(sourceFile, node.getStart(sourceFile)).line;
}

export function endLineOf(node: ts.Node, sourceFile: ts.SourceFile): number {
  return positionOf(sourceFile, node.getEnd()).line;
}
