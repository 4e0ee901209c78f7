import { defineTool } from '../../tools/define-tool.js';
import { loadAnalysis } from './load-analysis.js';

/**
 * Lists the functions of `state.code` (declarations, methods, constructors, accessors, arrows and
 * function expressions) with their position, size and signature facts.
 * Patch: `{ functions: FunctionInfo[] }`, in source order.
 */
export const extractFunctionsTool = defineTool({
  name: 'extract_functions',
  description:
    'Parses state.code (TypeScript/JavaScript, by state.filename) and lists its functions',
  async run({ state }) {
    const { functionsOf, parseStateCode } = await loadAnalysis();
    const parsed = parseStateCode(state, 'extract_functions');
    return { functions: functionsOf(parsed).map((f) => f.info) };
  },
});
