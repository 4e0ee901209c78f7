/**
 * The code-review example on its real fixtures (pg-protocol's parser and serializer, zod's
 * schemas.ts: about 3,600 lines): the first review in a fresh process (ESLint, typescript-eslint
 * and TypeScript imported; the resident memory it adds), then the median of warm rounds, in ms
 * and lines per second.
 *
 *   npx tsx bench/code-review.ts
 */
import { compileGraphOrThrow } from '../src/engine/compile.js';
import { createMemorySink } from '../src/engine/events.js';
import { executeRun } from '../src/engine/executor.js';
import { codeReviewGraph } from '../src/examples/code-review/index.js';
import { createBuiltinRegistry } from '../src/tools/builtin.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const graph = compileGraphOrThrow(codeReviewGraph, createBuiltinRegistry());
let n = 0;

async function once(): Promise<{ ms: number; lines: number }> {
  const start = performance.now();
  const result = await executeRun({
    runId: `bench-${++n}`,
    graph,
    input: { path: 'examples/code-review' },
    sink: createMemorySink(),
  });
  const ms = performance.now() - start;
  if (result.status !== 'SUCCEEDED') throw new Error(JSON.stringify(result.error));
  const files = result.state.files as Array<{ lines: number }>;
  return { ms, lines: files.reduce((s, f) => s + f.lines, 0) };
}

const rssBefore = process.memoryUsage().rss;
const first = await once();
const rssAfter = process.memoryUsage().rss;
const warm: number[] = [];
for (let i = 0; i < ROUNDS; i++) warm.push((await once()).ms);
warm.sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)]!;
console.log(`code-review on examples/code-review (${first.lines} lines, Node ${process.version})`);
console.log(
  `  first review (loads ESLint): ${first.ms.toFixed(0)} ms, resident memory +${Math.round((rssAfter - rssBefore) / 2 ** 20)} MB`,
);
console.log(
  `  warm, median of ${ROUNDS}: ${median.toFixed(0)} ms, ${Math.round((first.lines / median) * 1000)} lines/s`,
);
