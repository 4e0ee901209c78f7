import { describe, expect, it } from 'vitest';
import type { FunctionMetric } from '../../../src/examples/code-review/index.js';
import { at, FIXTURES, fixture, review } from './review.js';

const PARSER = `${FIXTURES}/pg-protocol-parser.ts`;
const ZOD = `${FIXTURES}/zod-schemas.ts`;

describe('code-review on real source files', () => {
  it("finds pg-protocol parser's complex handlePacket and its explicit anys, at their lines", async () => {
    const r = await review({ path: PARSER });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(at(r.findings(PARSER))).toEqual([
      'complexity@157',
      '@typescript-eslint/no-explicit-any@311',
      'complexity@332',
      '@typescript-eslint/no-explicit-any@335',
    ]);
    const handle = r.findings(PARSER)[0]!;
    expect(handle).toMatchObject({ column: 3, severity: 'warning', fixable: false });
    expect(handle.message).toBe(
      "Method 'handlePacket' has a complexity of 23. Maximum allowed is 10.",
    );
    // Every function is measured, by the same rule: the table agrees with the finding.
    const functions = (r.state.functions as Record<string, FunctionMetric[]>)[PARSER]!;
    expect(functions.find((f) => f.name === "Method 'handlePacket'")).toEqual({
      name: "Method 'handlePacket'",
      line: 157,
      complexity: 23,
    });
    expect(functions.length).toBeGreaterThan(20);
    expect(functions.filter((f) => f.complexity > 10).map((f) => f.line)).toEqual([157, 332]);
    expect(r.state.score).toBe(93);
    expect(r.state.reviews).toEqual({ [PARSER]: 1 });
    expect(r.state.report_markdown).toContain("| Method 'handlePacket' | 23 |");
  });

  it("scores zod's schemas.ts on its density of ESLint findings, not 0 for hundreds of style rules", async () => {
    const r = await review({ path: ZOD });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    const findings = r.findings(ZOD);
    const byRule: Record<string, number> = {};
    for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    // Only rules of the documented set fire (no long-line, no missing-doc, no todo-comment).
    expect(byRule).toEqual({
      '@typescript-eslint/ban-ts-comment': 2,
      '@typescript-eslint/no-empty-object-type': 22,
      '@typescript-eslint/no-explicit-any': 118,
      '@typescript-eslint/no-unsafe-function-type': 3,
    });
    expect(at(findings).slice(0, 2)).toEqual([
      '@typescript-eslint/no-explicit-any@111',
      '@typescript-eslint/no-explicit-any@136',
    ]);
    expect(fixture('zod-schemas.ts').split('\n').length).toBeGreaterThan(2_900);
    expect(r.state.score).toBe(51);
    expect(r.state.fixes).toEqual([]);
  });

  it('reports only the findings on the lines a diff adds', async () => {
    const r = await review({ diff: fixture('parser-change.diff') });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(r.state.input_kind).toBe('diff');
    expect(r.state.files).toEqual([
      expect.objectContaining({
        path: PARSER,
        changed: [
          [157, 157],
          [159, 159],
        ],
      }),
    ]);
    expect(at(r.findings(PARSER))).toEqual(['complexity@157']);
    expect(
      (r.state.sarif as { runs: Array<{ results: unknown[] }> }).runs[0]!.results,
    ).toHaveLength(1);
  });
});
