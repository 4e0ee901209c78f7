import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { loadAnalysis } from './load-analysis.js';
import type { PlannedFix } from './plan-fixes.js';

export type { AppliedFix } from './plan-fixes.js';

/**
 * Mechanical, safe fixes to `state.code`: drops `console.*(...)` statements whose arguments have
 * no side effects, drops `debugger;`, and turns `==`/`!=` into `===`/`!==` (not `== null`).
 * Code with syntax errors is left alone, and so is any result that would not parse.
 * Patch: `{ fixes_applied: AppliedFix[] }`, plus `code` when something changed.
 */
export const applyFixesTool = defineTool({
  name: 'apply_fixes',
  description:
    'Applies mechanical fixes to state.code: removes console calls and debugger statements, and turns ==/!= into ===/!== (this changes type coercion; strictEquality: false keeps them)',
  config: z.strictObject({
    removeConsole: z.boolean().default(true),
    removeDebugger: z.boolean().default(true),
    strictEquality: z.boolean().default(true),
  }),
  async run({ state, config, log }) {
    const { applyEdits, parseCode, parseStateCode, planFixes } = await loadAnalysis();
    const parsed = parseStateCode(state, 'apply_fixes');
    if (parsed.syntaxErrors.length > 0) {
      log('apply_fixes: code has syntax errors, nothing changed', undefined, 'warn');
      return { fixes_applied: [] };
    }
    const planned = planFixes(parsed.sourceFile, config);
    if (planned.length === 0) return { fixes_applied: [] };

    const { text, applied } = applyEdits(parsed.code, planned);
    if (parseCode(text, parsed.filename).syntaxErrors.length > 0) {
      log('apply_fixes: the fixed code would not parse, nothing changed', undefined, 'warn');
      return { fixes_applied: [] };
    }
    const fixes = (applied as PlannedFix[]).map((p) => p.fix);
    log(`apply_fixes: ${fixes.length} fix(es) applied`, { fixes: fixes.length });
    return { code: text, fixes_applied: fixes };
  },
});
