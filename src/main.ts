#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// V8 settings for the boot, unless the command line sets its own (`node --liftoff ...`).
const ours = (flag: string) => !process.execArgv.some((a) => a.includes(flag));
// Before anything compiles WebAssembly: Prisma's query compiler (~3 MB of wasm) stays on V8's
// baseline tier. Tiering it up to the optimising compiler while the server boots cost ~75 MB of
// RSS that is never given back (idle server 255 MB -> 180 MB), for ~5-10 % on the compiler's
// share of a query.
if (ours('liftoff') && ours('--wasm')) setFlagsFromString('--liftoff-only');
// The young generation is not sized for the boot's burst of allocations (module loading, the
// schema): it grew to 2 x 16 MB, ~25 MB resident for ~7 MB used. V8's default growth is back as
// soon as the server listens, so a loaded server sizes it as before.
const semiSpace = ours('--semi-space-growth-factor');
if (semiSpace) setFlagsFromString('--semi-space-growth-factor=1');

// The old generation's growth of src/runtime-flags.ts, also for `node dist/main.js` run without
// them (the package's bin): V8 reads it at every full collection.
if (ours('--heap-growing-percent')) setFlagsFromString('--heap-growing-percent=100');

// Loaded after the flags are set (static imports would load the app first).
const { serve } = await import('./serve.js');
const { ToolModuleError } = await import('./tools/load-modules.js');

serve().then(
  () => {
    if (semiSpace) setFlagsFromString('--semi-space-growth-factor=2');
  },
  (err) => {
    // A bad TOOL_MODULES entry is the user's to fix: its message says how; the stack would not.
    console.error(err instanceof ToolModuleError ? err.message : err);
    process.exit(1);
  },
);
