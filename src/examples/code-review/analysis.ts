/**
 * The TypeScript-backed half of the code-review tools. Every module re-exported here imports the
 * `typescript` compiler; tool definitions reach them only through `loadAnalysis()`, so loading the
 * registry (and booting the server) does not load the compiler.
 */
export { astIssues } from './ast-rules.js';
export { cyclomaticComplexity } from './complexity.js';
export { applyEdits } from './edits.js';
export { functionsOf } from './functions.js';
export { parseCode, parseStateCode } from './parse.js';
export { planFixes } from './plan-fixes.js';
export { longLines, todoComments } from './text-rules.js';
