import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../../src/engine/graph.js';
import { codeReviewGraph } from '../../../src/examples/code-review/index.js';
import { at, review } from './review.js';

const root = mkdtempSync(join(tmpdir(), 'aef-fixes-'));
mkdirSync(join(root, 'src'));
const C = 'var a = 1;\nvar b = 2;\nexport { a, b };\n';
writeFileSync(join(root, 'src', 'c.ts'), C);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const edited = (r: { state: Record<string, unknown> }, path: string) =>
  (r.state.edited as Record<string, string>)[path];

describe('code-review fixes', () => {
  it('refuses an autofix that would delete a statement and still applies the others', async () => {
    const code = [
      'export function log(a: number): void {',
      '  let shown = a;',
      '  if (shown) console.error("value", shown);',
      '  return;',
      '}',
      '',
    ].join('\n');
    const r = await review({ code, filename: 'log.ts', rules: { 'no-useless-return': 'error' } });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(r.state.fixes_refused).toEqual([{ path: 'log.ts', rules: ['no-useless-return'] }]);
    expect(r.state.fixes).toEqual([{ path: 'log.ts', rule: 'prefer-const', count: 1 }]);
    const after = edited(r, 'log.ts')!;
    expect(after).toContain('  const shown = a;');
    expect(after).toContain('  return;');
    expect(after).toContain('console.error("value", shown);');
    expect(at(r.findings('log.ts'))).toEqual(['no-useless-return@4']);
    expect(r.state.report_markdown).toContain(
      'not applied, they would remove a statement: `no-useless-return`',
    );
  });

  it('never applies a suggestion: no-console findings leave every console call in place', async () => {
    const code =
      'export function warn(m: string) {\n  console.error(m);\n  console.error("again", m);\n}\n';
    const r = await review({ code, filename: 'warn.ts', rules: { 'no-console': 'error' } });
    expect(at(r.findings('warn.ts'))).toEqual(['no-console@2', 'no-console@3']);
    expect(r.state.fixes).toEqual([]);
    expect(edited(r, 'warn.ts')).toBe(code);
    expect(r.state.reviews).toEqual({ 'warn.ts': 1 });
  });

  it('fixes only the lines a diff adds', async () => {
    const diff =
      '--- a/src/c.ts\n+++ b/src/c.ts\n@@ -1,2 +1,2 @@\n var a = 1;\n-let b = 2;\n+var b = 2;\n';
    const r = await review({ diff }, { root });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(edited(r, 'src/c.ts')).toBe('var a = 1;\nconst b = 2;\nexport { a, b };\n');
    expect(r.state.fixes).toEqual([{ path: 'src/c.ts', rule: 'no-var', count: 1 }]);
    expect(r.findings('src/c.ts')).toEqual([]);
    expect(r.state.reviews).toEqual({ 'src/c.ts': 2 });
  });

  it('ends the loop after maxPasses reviews', async () => {
    const graph: GraphDef = {
      ...codeReviewGraph,
      nodes: codeReviewGraph.nodes.map((n) =>
        n.id === 'fix' ? { ...n, config: { ...n.config, maxPasses: 1 } } : n,
      ),
    };
    const r = await review({ code: 'var x = 1;\nexport { x };\n', filename: 'x.ts' }, { graph });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(edited(r, 'x.ts')).toBe('const x = 1;\nexport { x };\n');
    // Fixed, but not reviewed again: the findings are those of the one review.
    expect(r.state.reviews).toEqual({ 'x.ts': 1 });
    expect(at(r.findings('x.ts'))).toEqual(['no-var@1']);
    expect(r.ran('report')).toBe(1);
  });
});
