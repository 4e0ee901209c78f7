import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../src/engine/errors.js';
import { extractFunctionsTool } from '../../../src/examples/code-review/extract-functions.tool.js';
import type { FunctionInfo } from '../../../src/examples/code-review/walk-functions.js';
import { runTool } from '../../tools/run-tool.js';

async function functions(code: string, filename?: string): Promise<FunctionInfo[]> {
  const state = filename ? { code, filename } : { code };
  const { patch } = await runTool(extractFunctionsTool, state);
  return patch?.functions as FunctionInfo[];
}

describe('extract_functions', () => {
  it('describes declarations, methods, accessors, arrows and expressions', async () => {
    const code = [
      '/** Adds. */',
      'export async function add(a: number, b: number) {',
      '  return a + b;',
      '}',
      'const double = (x: number) => x * 2;',
      'export const triple = function (x: number) { return x * 3; };',
      'class Box {',
      '  constructor(private v: number) {}',
      '  get value() { return this.v; }',
      '  set value(v: number) { this.v = v; }',
      '  static of(v: number, w?: number) { return new Box(v); }',
      '}',
      'const api = { fetch: async () => 1, ["x" + 1]: function () {} };',
      '[1].map((n) => n);',
    ].join('\n');
    const found = await functions(code);
    expect(found.map((f) => [f.name, f.kind])).toEqual([
      ['add', 'function'],
      ['double', 'arrow'],
      ['triple', 'function-expression'],
      ['constructor', 'constructor'],
      ['value', 'getter'],
      ['value', 'setter'],
      ['of', 'method'],
      ['fetch', 'arrow'],
      ['["x" + 1]', 'function-expression'],
      ['<anonymous>', 'arrow'],
    ]);
    expect(found[0]).toEqual({
      name: 'add',
      kind: 'function',
      startLine: 2,
      endLine: 4,
      params: 2,
      exported: true,
      async: true,
      hasDocComment: true,
      lines: 3,
    });
    expect(found[1]).toMatchObject({
      exported: false,
      async: false,
      hasDocComment: false,
      lines: 1,
    });
    expect(found[2]).toMatchObject({ exported: true, startLine: 6 });
    expect(found[6]).toMatchObject({ params: 2, exported: false });
    expect(found[7]).toMatchObject({ async: true });
  });

  it('treats `export { f }` and `export default` as exported and finds JSDoc on const arrows', async () => {
    const code = [
      'function helper() {}',
      '/** Documented. */',
      'const tool = () => 1;',
      'export { helper, tool };',
      'export default function () {}',
    ].join('\n');
    const found = await functions(code);
    expect(found.map((f) => [f.name, f.exported, f.hasDocComment])).toEqual([
      ['helper', true, false],
      ['tool', true, true],
      ['default', true, false],
    ]);
  });

  it('does not take a plain block comment for JSDoc and skips overload signatures', async () => {
    const code = [
      '/* not jsdoc */',
      'function f(a: string): string;',
      'function f(a: number): number;',
      'function f(a: unknown) { return a; }',
    ].join('\n');
    const found = await functions(code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'f', startLine: 4, hasDocComment: false });
  });

  it('parses JSX by file extension', async () => {
    const code = 'export const App = () => <div onClick={() => go()}>hi</div>;\nfunction go() {}';
    const found = await functions(code, 'app.tsx');
    expect(found.map((f) => f.name)).toEqual(['App', '<anonymous>', 'go']);
  });

  it('fails for good without state.code', async () => {
    await expect(runTool(extractFunctionsTool, {})).rejects.toBeInstanceOf(NonRetryableError);
    await expect(runTool(extractFunctionsTool, {})).rejects.toThrow(/state\.code/);
  });

  it('still lists functions of code with a syntax error', async () => {
    const found = await functions('function ok() {}\nfunction broken( {');
    expect(found.map((f) => f.name)).toContain('ok');
  });
});
