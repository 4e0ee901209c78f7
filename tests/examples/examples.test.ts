import { describe, expect, it } from 'vitest';
import { compileGraph, compileGraphOrThrow } from '../../src/engine/compile.js';
import { createMemorySink, type RunEvent } from '../../src/engine/events.js';
import { executeRun } from '../../src/engine/executor.js';
import type { GraphDef, State } from '../../src/engine/graph.js';
import {
  CODE_REVIEW_MAX_PASSES,
  CODE_REVIEW_TARGET_SCORE,
  codeReviewGraph,
  dataPipelineGraph,
  exampleGraphs,
  ML_CONFIDENCE_THRESHOLD,
  mlInferenceGraph,
  userOnboardingGraph,
} from '../../src/examples/index.js';
import { createBuiltinRegistry } from '../../src/tools/builtin.js';

const registry = createBuiltinRegistry();
let runs = 0;

async function run(def: GraphDef, input: State = {}) {
  const sink = createMemorySink();
  const result = await executeRun({
    runId: `example-${++runs}`,
    graph: compileGraphOrThrow(def, registry),
    input,
    sink,
  });
  const ran = (id: string) =>
    sink.events.filter((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === id).length;
  const skipped = (id: string) =>
    sink.events.find(
      (e): e is Extract<RunEvent, { type: 'NODE_SKIPPED' }> =>
        e.type === 'NODE_SKIPPED' && e.nodeId === id,
    )?.data.reason;
  return { ...result, events: sink.events, ran, skipped };
}

describe('example graphs', () => {
  it('have unique names', () => {
    const names = exampleGraphs.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['code-review', 'data-pipeline', 'ml-inference', 'user-onboarding']);
  });

  it.each(exampleGraphs.map((g) => [g.name, g] as const))(
    '%s validates with no issues against the builtin registry',
    (_, graph) => {
      const result = compileGraph(graph, registry);
      expect(result.ok ? [] : result.issues).toEqual([]);
    },
  );

  it.each(exampleGraphs.map((g) => [g.name, g] as const))(
    '%s survives a JSON round trip unchanged',
    (_, graph) => {
      expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
    },
  );
});

describe('code-review', () => {
  it('fixes the sample code until the score reaches the target', async () => {
    const result = await run(codeReviewGraph);
    expect(result.status).toBe('SUCCEEDED');
    const { state } = result;
    expect(state.quality_score as number).toBeGreaterThanOrEqual(CODE_REVIEW_TARGET_SCORE);
    expect(state.review_iterations).toBe(2);
    const history = state.quality_history as number[];
    expect(history).toHaveLength(2);
    expect(history[0]!).toBeLessThan(CODE_REVIEW_TARGET_SCORE);
    expect(state.code).not.toContain('console.');
    expect(state.code).not.toContain('debugger');
    expect((state.fixes_applied as unknown[]).length).toBeGreaterThan(0);
    expect(result.ran('fix')).toBe(1);
    expect(result.skipped('fix')).toBe('dead_path');
  });

  it('stops after the loop bound when fixes cannot reach the target', async () => {
    const code = Array.from(
      { length: 8 },
      (_, i) => `/** Doc. */\nexport function f${i}(a: any): any { return a; }`,
    ).join('\n');
    const result = await run(codeReviewGraph, { code });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.quality_score as number).toBeLessThan(CODE_REVIEW_TARGET_SCORE);
    expect(result.state.review_iterations).toBe(CODE_REVIEW_MAX_PASSES);
    expect(result.ran('extract')).toBe(CODE_REVIEW_MAX_PASSES);
    expect(result.skipped('extract')).toBe('loop_limit');
  });

  it('reviews clean code in one pass', async () => {
    const code =
      '/** Adds. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const result = await run(codeReviewGraph, { code });
    expect(result.state).toMatchObject({ quality_score: 100, review_iterations: 1, issues: [] });
    expect(result.ran('fix')).toBe(0);
  });
});

describe('data-pipeline', () => {
  it('fans out over the sample CSV and joins into one report', async () => {
    const result = await run(dataPipelineGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.summary).toBe('12 rows, 2 numeric columns, 2 outliers');
    expect(result.state.outliers).toEqual([
      { row: 8, column: 'orders', value: 610, zScore: 3.135 },
      { row: 8, column: 'revenue', value: 76200, zScore: 3.132 },
    ]);
    for (const id of ['parse', 'stats', 'outliers', 'normalize', 'report']) {
      expect(result.ran(id)).toBe(1);
    }
  });

  it('fails the run with a clear error on malformed CSV', async () => {
    const result = await run(dataPipelineGraph, { csv: 'a,b\n1,2,3\n' });
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toMatch(/row 2 has 3 fields/);
    expect(result.error?.nodeId).toBe('parse');
  });
});

describe('ml-inference', () => {
  it('accepts a confident prediction', async () => {
    const result = await run(mlInferenceGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.confidence as number).toBeGreaterThanOrEqual(ML_CONFIDENCE_THRESHOLD);
    expect(result.state.response).toMatchObject({ label: 'positive', decision: 'accepted' });
    expect(result.skipped('flag')).toBe('dead_path');
  });

  it('flags an unsure prediction for review and still responds', async () => {
    const result = await run(mlInferenceGraph, { text: 'The parcel arrived on Tuesday.' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.response).toMatchObject({ decision: 'needs_review' });
    expect(result.skipped('accept')).toBe('dead_path');
    expect(
      result.events.some((e) => e.type === 'CUSTOM' && e.data.name === 'review_requested'),
    ).toBe(true);
  });
});

describe('user-onboarding', () => {
  it('sets up account, email and workspace in parallel, then completes', async () => {
    const result = await run(userOnboardingGraph, {
      user: { email: 'grace@example.com', name: 'Grace Hopper' },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toMatchObject({
      status: 'completed',
      account: { email: 'grace@example.com', plan: 'free', existing: false },
      workspace: { slug: 'grace-hopper', storageGb: 1 },
      welcome_email: { to: 'grace@example.com', status: 'sent' },
    });
    expect(result.skipped('reject')).toBe('dead_path');
    expect(result.events.some((e) => e.type === 'CUSTOM' && e.data.name === 'email_sent')).toBe(
      true,
    );
  });

  it('runs with no input using the sample user', async () => {
    const result = await run(userOnboardingGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.status).toBe('completed');
  });

  it('rejects an invalid user and skips the set-up branch', async () => {
    const result = await run(userOnboardingGraph, { user: { email: 'nope', name: 'X' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toMatchObject({ status: 'rejected', valid: false });
    for (const id of ['account', 'email', 'workspace', 'complete']) {
      expect(result.skipped(id)).toBe('dead_path');
    }
  });
});
