import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../src/engine/errors.js';
import {
  type AppliedFix,
  applyFixesTool,
} from '../../../src/examples/code-review/apply-fixes.tool.js';
import { detectIssuesTool } from '../../../src/examples/code-review/detect-issues.tool.js';
import type { CodeIssue, Severity } from '../../../src/examples/code-review/issue.js';
import { parseCode } from '../../../src/examples/code-review/parse.js';
import {
  type Suggestion,
  suggestImprovementsTool,
} from '../../../src/examples/code-review/suggest-improvements.tool.js';
import { runTool } from '../../tools/run-tool.js';

const issue = (rule: string, severity: Severity, line: number): CodeIssue => ({
  rule,
  severity,
  line,
  message: rule,
});

async function suggest(state: Record<string, unknown>) {
  const { patch } = await runTool(suggestImprovementsTool, state);
  return patch as {
    suggestions: Suggestion[];
    quality_score: number;
    review_iterations: number;
    quality_history: number[];
  };
}

describe('suggest_improvements', () => {
  it('scores 100 with no findings and counts review iterations', async () => {
    expect(await suggest({ issues: [], complexity_issues: [], functions: [] })).toEqual({
      suggestions: [],
      quality_score: 100,
      review_iterations: 1,
      quality_history: [100],
    });
    expect((await suggest({ issues: [], review_iterations: 2 })).review_iterations).toBe(3);
  });

  it('weighs severities and complexity excess', async () => {
    const result = await suggest({
      issues: [
        issue('debugger-statement', 'error', 3),
        issue('console-call', 'warning', 4),
        issue('long-line', 'info', 9),
      ],
      complexity_issues: [{ name: 'f', line: 1, complexity: 13, threshold: 10, message: '' }],
    });
    // 100 - 10 - 4 - 1 - (5 + 2 * 3)
    expect(result.quality_score).toBe(74);
  });

  it('groups issues by rule, orders by priority and names the enclosing function', async () => {
    const result = await suggest({
      issues: [
        issue('long-line', 'info', 2),
        issue('console-call', 'warning', 7),
        issue('console-call', 'warning', 3),
        issue('debugger-statement', 'error', 8),
      ],
      complexity_issues: [{ name: 'big', line: 5, complexity: 25, threshold: 10 }],
      functions: [
        { name: 'outer', startLine: 1, endLine: 10 },
        { name: 'inner', startLine: 6, endLine: 8 },
      ],
    });
    expect(result.suggestions.map((s) => [s.priority, s.rule, s.line])).toEqual([
      ['high', 'complexity', 5],
      ['high', 'debugger-statement', 8],
      ['medium', 'console-call', 3],
      ['low', 'long-line', 2],
    ]);
    expect(result.suggestions[2]!.message).toBe(
      'Remove 2 console calls or route output through a logger: lines 3 (in outer), 7 (in inner)',
    );
  });

  it('never scores higher with more issues, and stays within 0..100', async () => {
    const severity = fc.constantFrom<Severity>('info', 'warning', 'error');
    const anIssue = fc.record({ severity, line: fc.integer({ min: 1, max: 500 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(anIssue, { maxLength: 40 }), anIssue, async (base, extra) => {
        const toIssues = (xs: typeof base) => xs.map((x) => issue('r', x.severity, x.line));
        const before = (await suggest({ issues: toIssues(base) })).quality_score;
        const after = (await suggest({ issues: toIssues([...base, extra]) })).quality_score;
        expect(after).toBeLessThanOrEqual(before);
        expect(after).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(after)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('is deterministic whatever the order of the issues', async () => {
    const issues = [issue('a', 'info', 3), issue('b', 'error', 1), issue('a', 'warning', 2)];
    const one = await suggest({ issues });
    const two = await suggest({ issues: [...issues].reverse() });
    expect(two).toEqual(one);
  });

  it('fails for good without any findings in state, or with malformed ones', async () => {
    await expect(suggest({})).rejects.toBeInstanceOf(NonRetryableError);
    await expect(suggest({ issues: [{ rule: 1 }] })).rejects.toThrow(/state\.issues is malformed/);
  });
});

const DIRTY = `export function f(items: number[], i: number) {
  console.log('items', items);
  debugger;
  if (items.length == 0) return null;
  if (items[0] != undefined && items[0] == null) return 0;
  if (items.length > 1) console.warn('many');
  console.log(i++);
  return items.map((x) => {
    console.debug(x);
    return x;
  });
}
`;

describe('apply_fixes', () => {
  it('removes console calls and debugger, makes equality strict, and the code still parses', async () => {
    const { patch } = await runTool(applyFixesTool, { code: DIRTY });
    const code = patch?.code as string;
    expect(code).toBe(`export function f(items: number[], i: number) {
  if (items.length === 0) return null;
  if (items[0] !== undefined && items[0] == null) return 0;
  if (items.length > 1) {}
  console.log(i++);
  return items.map((x) => {
    return x;
  });
}
`);
    expect(parseCode(code, 'fixed.ts').syntaxErrors).toEqual([]);
    const fixes = patch?.fixes_applied as AppliedFix[];
    expect(fixes.map((f) => `${f.rule}@${f.line}`)).toEqual([
      'console-call@2',
      'debugger-statement@3',
      'loose-equality@4',
      'loose-equality@5',
      'console-call@6',
      'console-call@9',
    ]);
  });

  it('raises the detect_issues-based score', async () => {
    const score = async (code: string) => {
      const issues = (await runTool(detectIssuesTool, { code })).patch?.issues;
      return (await suggest({ issues })).quality_score;
    };
    const fixed = (await runTool(applyFixesTool, { code: DIRTY })).patch?.code as string;
    expect(await score(fixed)).toBeGreaterThan(await score(DIRTY));
  });

  it('is a no-op on clean code and on code that does not parse', async () => {
    expect((await runTool(applyFixesTool, { code: 'const a = 1;\n' })).patch).toEqual({
      fixes_applied: [],
    });
    const broken = await runTool(applyFixesTool, { code: 'console.log(1);\nconst = ;' });
    expect(broken.patch).toEqual({ fixes_applied: [] });
    expect(broken.logs[0]!.level).toBe('warn');
  });

  it('honours its toggles', async () => {
    const { patch } = await runTool(
      applyFixesTool,
      { code: 'console.log(1);\nif (a == b) {}\n' },
      { config: { removeConsole: false } },
    );
    expect(patch?.code).toBe('console.log(1);\nif (a === b) {}\n');
  });
});
