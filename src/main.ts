#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Before anything compiles WebAssembly: Prisma's query compiler (~3 MB of wasm) stays on V8's
// baseline tier. Tiering it up to the optimising compiler while the server boots cost ~75 MB of
// RSS that is never given back (idle server 255 MB -> 180 MB), for ~5-10 % on the compiler's
// share of a query. A `--liftoff` / `--wasm-*` flag on the command line wins.
if (!process.execArgv.some((a) => a.includes('liftoff') || a.startsWith('--wasm')))
  setFlagsFromString('--liftoff-only');

// Loaded after the flag is set (static imports would compile the app first).
const { serve } = await import('./serve.js');
const { ToolModuleError } = await import('./tools/load-modules.js');

serve().catch((err) => {
  // A bad TOOL_MODULES entry is the user's to fix: its message says how; the stack would not.
  console.error(err instanceof ToolModuleError ? err.message : err);
  process.exit(1);
});
