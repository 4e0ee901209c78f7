#!/usr/bin/env node
// The `aef` command (package.json "bin"): the CLI over the GraphQL API; see cli/main.ts.
import { runCli } from './main.js';

runCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
