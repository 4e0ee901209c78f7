import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import type { Finding, FunctionMetric } from './finding.js';
import { loadLinter } from './load-linter.js';
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

/**
 * Reviews the files in `state.to_review` with ESLint (the rule set of `rule-set.ts`, the node's
 * `rules` and the run input's `rules` over it). For a diff, only findings on added lines count.
 * Patch (merged per file): `{ findings: { [path]: Finding[] }, functions: { [path]:
 * FunctionMetric[] }, reviews: { [path]: times reviewed }, review_passes: 1 }`.
 */
export function createLintFilesTool(options: CodeReviewOptions) {
  return defineTool({
    name: 'lint_files',
    description:
      "Reviews state.to_review with ESLint (@eslint/js and typescript-eslint recommended, complexity): findings and each function's complexity",
    config: z.strictObject(lintConfigSchema),
    async run({ state, config, log }) {
      const { lintText } = await loadLinter();
      const rules = rulesOf(config, state);
      const byPath = new Map(filesOf(state, 'lint_files').map((f) => [f.path, f]));
      const edited = recordOf(state, 'edited');
      const reviews = recordOf(state, 'reviews');
      const root = await realRoot(options.root ?? process.cwd());
      const findings: Record<string, Finding[]> = {};
      const functions: Record<string, FunctionMetric[]> = {};
      const counts: Record<string, number> = {};
      for (const path of toReviewOf(state)) {
        const file = byPath.get(path);
        if (!file) continue;
        const text = await currentText(root, file, edited, NO_LIMITS);
        const result = lintText(text, path, config.complexity, rules);
        const changed = file.changed;
        findings[path] = changed
          ? result.findings.filter((f) => inRanges(changed, f.line))
          : result.findings;
        functions[path] = result.functions;
        const before = reviews[path];
        counts[path] = (typeof before === 'number' ? before : 0) + 1;
      }
      const total = Object.values(findings).reduce((n, list) => n + list.length, 0);
      log(`lint_files: ${Object.keys(findings).length} file(s), ${total} finding(s)`, {
        files: Object.keys(findings).length,
        findings: total,
      });
      return { findings, functions, reviews: counts, review_passes: 1 };
    },
  });
}
