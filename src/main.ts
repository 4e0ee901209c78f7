#!/usr/bin/env node
import { serve } from './serve.js';
import { ToolModuleError } from './tools/load-modules.js';

serve().catch((err) => {
  // A bad TOOL_MODULES entry is the user's to fix: its message says how; the stack would not.
  console.error(err instanceof ToolModuleError ? err.message : err);
  process.exit(1);
});
