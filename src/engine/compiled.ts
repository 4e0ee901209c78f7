/** Kept for importers outside the engine (bench/, tests/fixtures) that predate index.ts. */
export type { CompiledEdge, CompiledGraph, CompiledNode, Condition } from './graph/compiled.js';
