/** Issue paths (`nodes[2].config.threshold`) and the mapping of zod shape issues to GraphIssues. */
import type { z } from 'zod';
import type { GraphIssue } from '../errors.js';

export const ROOT_PATH = '(root)';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ['nodes', 2, 'tool'] -> 'nodes[2].tool'; odd keys are quoted: state["my key"]. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? ROOT_PATH : out;
}

/** Joins a base path and sub-segments: joinPath('nodes[1].config', ['a', 0]) -> 'nodes[1].config.a[0]'. */
export function joinPath(base: string, segments: readonly PropertyKey[]): string {
  if (segments.length === 0) return base;
  const tail = formatPath(segments);
  return tail.startsWith('[') ? `${base}${tail}` : `${base}.${tail}`;
}

/** One INVALID_SHAPE issue per zod issue (unrecognized keys get one issue each). */
export function shapeIssues(error: z.ZodError): GraphIssue[] {
  const issues: GraphIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...issue.path, key]),
          code: 'INVALID_SHAPE',
          message: `Unknown field "${key}"; remove it or check its spelling`,
        });
      }
      continue;
    }
    issues.push({ path: formatPath(issue.path), code: 'INVALID_SHAPE', message: issue.message });
  }
  return issues;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists a few names for a message: "a, b, c and 4 more". */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
