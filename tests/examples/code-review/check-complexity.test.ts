import { describe, expect, it } from 'vitest';
import type {
  ComplexityEntry,
  ComplexityIssue,
} from '../../../src/examples/code-review/check-complexity.tool.js';
import { checkComplexityTool } from '../../../src/examples/code-review/check-complexity.tool.js';
import { runTool } from '../../tools/run-tool.js';

async function check(code: string, threshold?: number) {
  const { patch } = await runTool(checkComplexityTool, { code }, { config: { threshold } });
  return patch as {
    complexity: ComplexityEntry[];
    max_complexity: number;
    complexity_issues: ComplexityIssue[];
  };
}

describe('check_complexity', () => {
  it('counts two ifs and an && as complexity 4', async () => {
    const code = `function f(a: number, b: number) {
  if (a > 0 && b > 0) return 1;
  if (a < 0) return -1;
  return 0;
}`;
    const result = await check(code);
    expect(result.complexity).toEqual([{ name: 'f', startLine: 1, complexity: 4 }]);
    expect(result.max_complexity).toBe(4);
    expect(result.complexity_issues).toEqual([]);
  });

  it('counts a nested function separately, not in its parent', async () => {
    const code = `function outer(xs: number[]) {
  if (xs.length === 0) return [];
  const keep = (x: number) => x > 0 || x === -1;
  return xs.filter(keep);
}`;
    const result = await check(code);
    expect(result.complexity).toEqual([
      { name: 'outer', startLine: 1, complexity: 2 },
      { name: 'keep', startLine: 3, complexity: 2 },
    ]);
  });

  it('counts ?:, case but not default, loops, catch, ?? and logical assignments', async () => {
    const code = `function g(x: any) {
  switch (x.kind) {
    case 'a': break;
    case 'b': break;
    default: break;
  }
  for (let i = 0; i < 3; i++) {}
  for (const k in x) {}
  for (const v of x.list) {}
  while (false) {}
  do {} while (false);
  try { x.run(); } catch { }
  x.a ??= 1; x.b ||= 2; x.c &&= 3;
  return x.y ? x.z ?? 0 : 1;
}`;
    // 1 + 2 case + 5 loops + 1 catch + 3 logical assignments + ?: + ??
    expect((await check(code)).complexity[0]!.complexity).toBe(14);
  });

  it('flags functions above the threshold with a message naming them', async () => {
    const code = `export function branchy(n: number) {
  if (n === 1) return 'a';
  if (n === 2) return 'b';
  if (n === 3) return 'c';
  return 'd';
}
const calm = () => 1;`;
    const result = await check(code, 3);
    expect(result.complexity_issues).toEqual([
      {
        name: 'branchy',
        line: 1,
        complexity: 4,
        threshold: 3,
        message: expect.stringContaining('branchy has cyclomatic complexity 4 (threshold 3)'),
      },
    ]);
    expect((await check(code, 4)).complexity_issues).toEqual([]);
  });

  it('gives max_complexity 0 when there are no functions', async () => {
    expect(await check('const x = 1;')).toEqual({
      complexity: [],
      max_complexity: 0,
      complexity_issues: [],
    });
  });

  it('defaults threshold to 10', () => {
    const parsed = checkComplexityTool.config.safeParse({});
    expect(parsed.success && parsed.data).toEqual({ threshold: 10 });
  });
});
