/**
 * The V8 flags the server runs with: `npm start`, the Dockerfile's CMD and the bench's processes
 * (both sides of every comparison) pass them; tests/server/runtime-flags.test.ts keeps them in step.
 *
 * A 32 MB semi-space (Node 20's default is 16 MB): a run in flight lives across many turns of the
 * event loop, so with 1,000 of them most of what a young generation of the default size holds is
 * still alive at each scavenge and is copied into the old generation, to be marked and compacted
 * there. The in-memory pipeline with 1,000 runs in flight: 300-400k -> 650-720k node exec/s
 * measured side by side in one process each (GC 36 % of CPU before).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
