/** Kept for importers outside the engine (bench/, tests/fixtures) that predate index.ts. */
export { type ExecuteOptions, executeRun, type RunResult } from './live/executor.js';
