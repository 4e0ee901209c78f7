import { describe, expect, it } from 'vitest';
import { detectIssuesTool } from '../../../src/examples/code-review/detect-issues.tool.js';
import type { CodeIssue } from '../../../src/examples/code-review/issue.js';
import { runTool } from '../../tools/run-tool.js';

async function detect(code: string, config: Record<string, unknown> = {}, filename?: string) {
  const state = filename ? { code, filename } : { code };
  const { patch } = await runTool(detectIssuesTool, state, { config });
  return patch?.issues as CodeIssue[];
}
const rules = (issues: CodeIssue[]) => issues.map((i) => `${i.rule}@${i.line}`);

describe('detect_issues', () => {
  it('flags TODO in comments but not in strings, templates or regexes', async () => {
    const code = [
      "const a = 'TODO: not a comment';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is the source under test
      'const b = `// TODO inside template ${a}`;',
      'const c = /\\/\\/ TODO/;',
      '// TODO: real one',
      'const d = 1; /* FIXME trailing */',
      '/**',
      ' * XXX in jsdoc',
      ' */',
      'const e = 2;',
    ].join('\n');
    const issues = await detect(code);
    expect(rules(issues)).toEqual(['todo-comment@4', 'todo-comment@5', 'todo-comment@7']);
    expect(issues[0]).toMatchObject({
      severity: 'info',
      column: 4,
      message: expect.stringContaining('real one'),
    });
  });

  it('does not treat // inside JSX text as a comment', async () => {
    const code = 'export const A = () => <p>// TODO not a comment</p>; // TODO yes';
    const issues = await detect(code, { rules: { 'missing-doc': false } }, 'a.tsx');
    expect(rules(issues)).toEqual(['todo-comment@1']);
    expect(issues[0]!.column).toBe(57);
  });

  it('flags console calls, debugger, explicit any, empty catch and loose equality', async () => {
    const code = [
      'function f(x: any) {',
      '  console.log(x);',
      "  console['warn'](x);",
      '  debugger;',
      '  try { x(); } catch (e) {}',
      '  try { x(); } catch { /* expected */ }',
      '  if (x == 1 || x != 2) return;',
      '  if (x == null || null != x) return;',
      '}',
    ].join('\n');
    const issues = await detect(code);
    expect(rules(issues)).toEqual([
      'explicit-any@1',
      'console-call@2',
      'console-call@3',
      'debugger-statement@4',
      'empty-catch@5',
      'loose-equality@7',
      'loose-equality@7',
    ]);
    expect(issues.find((i) => i.rule === 'debugger-statement')!.severity).toBe('error');
    expect(issues.find((i) => i.rule === 'console-call')!.severity).toBe('warning');
    expect(issues.filter((i) => i.rule === 'loose-equality').map((i) => i.column)).toEqual([9, 19]);
  });

  it('flags exported functions and classes without JSDoc only', async () => {
    const code = [
      'export function bare() {}',
      '/** Documented. */',
      'export function documented() {}',
      'function internal() {}',
      'export class Thing {}',
      '/** Documented. */',
      'export class Other {}',
      'export const arrow = () => 1;',
    ].join('\n');
    expect(rules(await detect(code))).toEqual(['missing-doc@1', 'missing-doc@5', 'missing-doc@8']);
  });

  it('flags too many params, deep nesting (once, not else-if chains) and var', async () => {
    const code = [
      'function many(a, b, c, d, e) {',
      '  var x = 1;',
      '  if (a) {',
      '    for (const y of b) {',
      '      while (c) {',
      '        if (d) {',
      '          if (e) {',
      '            if (x) { return; }',
      '          }',
      '        }',
      '      }',
      '    }',
      '  }',
      '  if (a) {} else if (b) {} else if (c) {} else if (d) {} else if (e) {}',
      '}',
    ].join('\n');
    const issues = await detect(code, {}, 'x.js');
    expect(rules(issues)).toEqual(['too-many-params@1', 'no-var@2', 'deep-nesting@7']);
    expect(issues[2]!.message).toContain('5 levels');
  });

  it('resets nesting depth inside a nested function', async () => {
    const code = [
      'function f(a) {',
      '  if (a) { if (a) { if (a) {',
      '    const g = () => { if (a) { if (a) { if (a) { return 1; } } } };',
      '  } } }',
      '}',
    ].join('\n');
    expect(rules(await detect(code))).toEqual([]);
  });

  it('flags long lines and long functions with configurable limits', async () => {
    const long = `const s = '${'x'.repeat(100)}';`;
    const body = Array.from({ length: 5 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const code = `${long}\nfunction f() {\n${body}\n}`;
    expect(rules(await detect(code))).toEqual(['long-line@1']);
    const issues = await detect(code, { maxLineLength: 120, maxFunctionLines: 5 });
    expect(rules(issues)).toEqual(['long-function@2']);
    expect(issues[0]!.message).toContain('7 lines');
  });

  it('turns single rules off', async () => {
    const code = 'console.log(1); // TODO';
    expect(rules(await detect(code))).toEqual(['console-call@1', 'todo-comment@1']);
    expect(rules(await detect(code, { rules: { 'console-call': false } }))).toEqual([
      'todo-comment@1',
    ]);
  });

  it('reports a syntax error as a parse-error issue instead of throwing', async () => {
    const issues = await detect('const ok = 1;\nconst x = ;\n');
    expect(issues).toEqual([
      {
        rule: 'parse-error',
        severity: 'error',
        line: 2,
        column: 11,
        message: 'Syntax error: Expression expected.',
      },
    ]);
  });

  it('finds nothing in clean code', async () => {
    const code =
      '/** Adds. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n';
    expect(await detect(code)).toEqual([]);
  });
});
