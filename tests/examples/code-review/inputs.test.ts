import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../../src/engine/graph.js';
import { codeReviewGraph, parseUnifiedDiff } from '../../../src/examples/code-review/index.js';
import { review } from './review.js';

const withLoadConfig = (config: Record<string, unknown>): GraphDef => ({
  ...codeReviewGraph,
  nodes: codeReviewGraph.nodes.map((n) => (n.id === 'load' ? { ...n, config } : n)),
});

const base = mkdtempSync(join(tmpdir(), 'aef-review-'));
const root = join(base, 'project');
mkdirSync(join(root, 'src', 'node_modules', 'dep'), { recursive: true });
writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
writeFileSync(join(root, 'src', 'b.js'), 'var b = 2;\nexport { b };\n');
writeFileSync(join(root, 'src', 'notes.md'), '# not code\n');
writeFileSync(join(root, 'src', 'node_modules', 'dep', 'index.js'), 'var x = 1;\n');
writeFileSync(join(base, 'secret.ts'), 'export const key = "outside";\n');
symlinkSync(join(base, 'secret.ts'), join(root, 'src', 'link.ts'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The run's error message (its code leads it). */
async function failure(input: Record<string, unknown>, at = root) {
  const r = await review(input, { root: at });
  expect(r.status).toBe('FAILED');
  expect(r.error?.nodeId).toBe('load');
  return r.error?.message ?? '';
}

describe('code-review inputs', () => {
  it('reviews a directory under the root, skipping node_modules, non-sources and symlinks', async () => {
    const r = await review({ path: 'src' }, { root });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect((r.state.files as Array<{ path: string }>).map((f) => f.path)).toEqual([
      'src/a.ts',
      'src/b.js',
    ]);
    expect(r.state.input_kind).toBe('directory');
  });

  it.each([
    ['../secret.ts', 'CODE_REVIEW_PATH_OUTSIDE_ROOT'],
    ['/etc/passwd', 'CODE_REVIEW_PATH_OUTSIDE_ROOT'],
    ['src/link.ts', 'CODE_REVIEW_PATH_OUTSIDE_ROOT'],
    ['src/missing.ts', 'CODE_REVIEW_NOT_FOUND'],
    ['src/notes.md', 'CODE_REVIEW_NOT_SOURCE'],
  ])('refuses path %s with %s', async (path, code) => {
    expect(await failure({ path })).toMatch(new RegExp(`^${code}: `));
  });

  it('refuses a diff naming a file outside the root, before reading it', async () => {
    const diff = '--- a/../secret.ts\n+++ b/../secret.ts\n@@ -0,0 +1 @@\n+export const key = 1;\n';
    expect(await failure({ diff })).toMatch(/^CODE_REVIEW_PATH_OUTSIDE_ROOT: \.\.\/secret\.ts/);
  });

  it('refuses ambiguous, mistyped and oversized input with its code', async () => {
    expect(await failure({ path: 'src', code: 'x' })).toMatch(
      /^CODE_REVIEW_BAD_INPUT: give one of path, diff or code, not path and code/,
    );
    expect(await failure({ path: 3 })).toMatch(
      /^CODE_REVIEW_BAD_INPUT: state\.path must be a string/,
    );
    expect(await failure({ code: 'x', filename: 'a.py' })).toMatch(/^CODE_REVIEW_NOT_SOURCE/);
    expect(await failure({ diff: 'hello' })).toMatch(
      /^CODE_REVIEW_BAD_DIFF: the diff names no file/,
    );
    const tiny = await review(
      { path: 'src/a.ts' },
      { root, graph: withLoadConfig({ maxFileBytes: 5 }) },
    );
    expect(tiny.error?.message).toMatch(
      /^CODE_REVIEW_TOO_LARGE: src\/a\.ts is 20 bytes, over maxFileBytes \(5\)/,
    );
    const few = await review({ path: 'src' }, { root, graph: withLoadConfig({ maxFiles: 1 }) });
    expect(few.error?.message).toMatch(
      /^CODE_REVIEW_TOO_LARGE: src holds more than 1 source files/,
    );
  });

  it('refuses rule settings ESLint does not know, with their code', async () => {
    const r = await review({ code: 'export const a = 1;\n', rules: { 'no-such-rule': 'error' } });
    expect(r.status).toBe('FAILED');
    expect(r.error?.nodeId).toBe('lint');
    expect(r.error?.message).toMatch(
      /^CODE_REVIEW_BAD_RULES: ESLint refused the rule settings: .*no-such-rule/,
    );
  });
});

describe('parseUnifiedDiff', () => {
  it('reads the added line ranges of each file of a git diff', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,3 +1,4 @@',
      ' one',
      '-two',
      '+2',
      '+2b',
      ' three',
      '@@ -10 +11,2 @@',
      '+eleven',
      ' twelve',
      '\\ No newline at end of file',
      'diff --git a/gone.ts b/gone.ts',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      '--- old/c.ts\t2024-01-01',
      '+++ new/c.ts\t2024-01-02',
      '@@ -0,0 +1 @@',
      '+c',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      {
        path: 'src/a.ts',
        added: [
          [2, 3],
          [11, 11],
        ],
      },
      { path: 'new/c.ts', added: [[1, 1]] },
    ]);
  });

  it('refuses a hunk header it cannot read, naming its line', () => {
    expect(() => parseUnifiedDiff('--- a/x.ts\n+++ b/x.ts\n@@ nonsense @@\n')).toThrow(
      /^CODE_REVIEW_BAD_DIFF: line 3 is not a hunk header/,
    );
  });
});
