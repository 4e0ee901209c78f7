import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import type { Finding } from './finding.js';
import { loadLinter } from './load-linter.js';
import { modelContext } from './model-context.js';
import {
  type CodeReviewOptions,
  filesOf,
  lintConfigSchema,
  recordOf,
  rulesOf,
  toReviewOf,
} from './options.js';
import { currentText, NO_LIMITS, realRoot } from './sources.js';
import { inRanges } from './unified-diff.js';

/** Fixes made to one file by one rule in one pass. */
export interface AppliedFix {
  path: string;
  rule: string;
  count: number;
}

function fixableByRule(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.fixable) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

/** The rules refused per file on earlier passes (`state.fixes_refused`). */
function refusedBefore(value: unknown): (path: string) => Set<string> {
  const list = Array.isArray(value) ? (value as Array<{ path?: unknown; rules?: unknown }>) : [];
  return (path) =>
    new Set(
      list
        .filter((r) => r.path === path && Array.isArray(r.rules))
        .flatMap((r) => r.rules as string[]),
    );
}

/**
 * Applies ESLint's own autofixes (never its suggestions, never a fix that removes a statement)
 * to the files of `state.to_review` that have fixable findings; for a diff, only on added lines.
 * The fixed text goes to `state.edited` (the files on disk are never written). `to_review` becomes
 * the files this pass changed, so the next review looks at them alone; it is empty when nothing
 * changed, or after `maxPasses` reviews, which ends the loop.
 * Patch: `{ edited, to_review, fixes: AppliedFix[], fixes_refused, review_context? }`.
 */
export function createFixFilesTool(options: CodeReviewOptions) {
  return defineTool({
    name: 'fix_files',
    description:
      "Applies ESLint's autofixes (no suggestions, never removing a statement) to the reviewed files; the changed files are reviewed again",
    config: z.strictObject({
      ...lintConfigSchema,
      maxPasses: z.number().int().min(1).max(10).default(3).describe('Reviews of one run at most'),
    }),
    async run({ state, config, log }) {
      const { fixText } = await loadLinter();
      const rules = rulesOf(config, state);
      const files = filesOf(state, 'fix_files');
      const byPath = new Map(files.map((f) => [f.path, f]));
      const edited = recordOf(state, 'edited');
      const findings = recordOf(state, 'findings');
      const root = await realRoot(options.root ?? process.cwd());
      const changedText: Record<string, string> = {};
      const fixes: AppliedFix[] = [];
      const refused: Array<{ path: string; rules: string[] }> = [];
      const earlier = refusedBefore(state.fixes_refused);
      for (const path of toReviewOf(state)) {
        const file = byPath.get(path);
        const before = fixableByRule((findings[path] as Finding[] | undefined) ?? []);
        if (!file || before.size === 0) continue;
        const text = await currentText(root, file, edited, NO_LIMITS);
        const ranges = file.changed;
        const allow = (line: number) => (ranges ? inRanges(ranges, line) : true);
        const result = fixText(text, path, config.complexity, rules, allow, earlier(path));
        if (result.refused.length > 0) refused.push({ path, rules: result.refused });
        if (result.output === text) continue;
        changedText[path] = result.output;
        const after = fixableByRule(result.remaining.filter((f) => allow(f.line)));
        for (const [rule, n] of before) {
          const count = n - (after.get(rule) ?? 0);
          if (count > 0) fixes.push({ path, rule, count });
        }
      }
      const changed = Object.keys(changedText);
      const passes = typeof state.review_passes === 'number' ? state.review_passes : 1;
      const again = passes < config.maxPasses ? changed : [];
      log(`fix_files: ${changed.length} file(s) changed`, {
        changed: changed.length,
        refused: refused.length,
      });
      const patch: Record<string, unknown> = {
        edited: changedText,
        to_review: again,
        fixes,
        fixes_refused: refused,
      };
      if (again.length === 0) {
        patch.review_context = await modelContext(
          state,
          files,
          { ...edited, ...changedText },
          root,
        );
      }
      return patch;
    },
  });
}
