/**
 * The V8 flags the server runs with: `npm start`, the Dockerfile's CMD and the bench's processes
 * (both sides of every comparison) pass them; tests/server/runtime-flags.test.ts keeps them in step.
 *
 * A 32 MB semi-space (Node 20's default is 16 MB): a run in flight lives across many turns of the
 * event loop, so with 1,000 of them most of what a young generation of the default size holds is
 * still alive at each scavenge and is copied into the old generation, to be marked and compacted
 * there. The in-memory pipeline with 1,000 runs in flight: 300-400k -> 650-720k node exec/s
 * measured side by side in one process each (GC 36 % of CPU before).
 *
 * The old generation grows to twice what the last full collection kept before the next one
 * (V8 picks up to 4x by itself): 50,000 runs in flight on SQLite peaked at ~1,400 MB RSS, mostly
 * garbage of finished starts waiting for that collection; 808 MB with it, in about the same time
 * (14.1 s against 13.6 s), and the in-memory pipeline within the noise.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=32',
  '--heap-growing-percent=100',
  // Prisma's query-compiler wasm stays on V8's baseline tier (see main.ts, which sets it too):
  // here so that the bench measures the server's queries as they run in production.
  '--liftoff-only',
];
