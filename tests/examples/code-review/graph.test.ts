import { describe, expect, it } from 'vitest';
import {
  CODE_REVIEW_MAX_PASSES,
  CODE_REVIEW_TARGET_SCORE,
  codeReviewGraph,
} from '../../../src/examples/code-review/index.js';
import { runExample } from '../run-example.js';

describe('code-review graph', () => {
  it('fixes the sample code until the score reaches the target', async () => {
    const result = await runExample(codeReviewGraph);
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
    const result = await runExample(codeReviewGraph, { code });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.quality_score as number).toBeLessThan(CODE_REVIEW_TARGET_SCORE);
    expect(result.state.review_iterations).toBe(CODE_REVIEW_MAX_PASSES);
    expect(result.ran('extract')).toBe(CODE_REVIEW_MAX_PASSES);
    expect(result.skipped('extract')).toBe('loop_limit');
  });

  it('reviews clean code in one pass', async () => {
    const code =
      '/** Adds. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const result = await runExample(codeReviewGraph, { code });
    expect(result.state).toMatchObject({ quality_score: 100, review_iterations: 1, issues: [] });
    expect(result.ran('fix')).toBe(0);
  });
});
