import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileGraphOrThrow } from '../../../src/engine/compile.js';
import { createMemorySink } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/executor.js';
import type { GraphDef, State } from '../../../src/engine/graph.js';
import type { Finding } from '../../../src/examples/code-review/index.js';
import { codeReviewGraph } from '../../../src/examples/code-review/index.js';
import { createBuiltinRegistry } from '../../../src/tools/builtin.js';

/** The repository's root: the default allowed root of the tests (vitest runs from it). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The real source files checked in for the review tests. */
export const FIXTURES = 'examples/code-review';
export const fixture = (name: string) => readFileSync(`${REPO}${FIXTURES}/${name}`, 'utf8');

let runs = 0;

/** Runs a code-review graph in memory with its tools reading under `root`. */
export async function review(input: State, opts: { root?: string; graph?: GraphDef } = {}) {
  const registry = createBuiltinRegistry({
    exampleOptions: { codeReview: { root: opts.root ?? REPO } },
  });
  const sink = createMemorySink();
  const result = await executeRun({
    runId: `review-${++runs}`,
    graph: compileGraphOrThrow(opts.graph ?? codeReviewGraph, registry),
    input,
    sink,
  });
  const state = result.state as Record<string, unknown>;
  const findings = (path: string) =>
    ((state.findings as Record<string, Finding[]> | undefined)?.[path] ?? []) as Finding[];
  const ran = (id: string) =>
    sink.events.filter((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === id).length;
  return { ...result, state, findings, ran, events: sink.events };
}

/** `rule@line` of each finding, for compact assertions. */
export const at = (findings: readonly Finding[]) => findings.map((f) => `${f.rule}@${f.line}`);
