/** Kept for importers outside the engine (bench/, tests/fixtures) that predate index.ts. */
export { type CompileGraphResult, compileGraph, compileGraphOrThrow } from './graph/compile.js';
