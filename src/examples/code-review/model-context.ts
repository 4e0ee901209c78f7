import type { State } from '../../engine/graph.js';
import type { Finding } from './finding.js';
import { recordOf } from './options.js';
import { currentText, NO_LIMITS, type ReviewFile } from './sources.js';

/** What the model reviewer reads at most (characters): prompts stay well inside a context window. */
export const MODEL_CONTEXT_CHARS = 40_000;

/**
 * The text the optional model reviewer gets: the diff when the input was one, else each file
 * with line numbers (the fixed version), then ESLint's findings, cut at MODEL_CONTEXT_CHARS.
 */
export async function modelContext(
  state: Readonly<State>,
  files: readonly ReviewFile[],
  edited: Readonly<Record<string, unknown>>,
  root: string,
): Promise<string> {
  const parts: string[] = [];
  if (typeof state.diff === 'string') {
    parts.push(`Unified diff under review:\n${state.diff}`);
  } else {
    for (const file of files) {
      const text = await currentText(root, file, edited, NO_LIMITS);
      const numbered = text
        .split('\n')
        .map((l, i) => `${i + 1}: ${l}`)
        .join('\n');
      parts.push(`File ${file.path}:\n${numbered}`);
    }
  }
  const findings = Object.values(recordOf(state, 'findings')).flat() as Finding[];
  const listed = findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.rule} ${f.message}`);
  parts.push(`ESLint findings (${findings.length}):\n${listed.join('\n') || 'none'}`);
  const text = parts.join('\n\n');
  return text.length > MODEL_CONTEXT_CHARS
    ? `${text.slice(0, MODEL_CONTEXT_CHARS)}\n[cut at ${MODEL_CONTEXT_CHARS} characters]`
    : text;
}
