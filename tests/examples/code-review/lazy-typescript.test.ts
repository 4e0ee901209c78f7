import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// A fresh process: vitest's own workers may have loaded ESLint or the compiler already.
const script = `
import { createRequire } from 'node:module';
const cache = () => Object.keys(createRequire(import.meta.url)('node:module')._cache);
const loaded = () => ({
  typescript: cache().some((k) => k.includes('/node_modules/typescript/lib/typescript.js')),
  eslint: cache().some((k) => k.includes('/node_modules/eslint/lib/')),
  typescriptEslint: cache().some((k) => k.includes('/node_modules/@typescript-eslint/')),
});
const { createBuiltinRegistry } = await import('./src/tools/index.ts');
const registry = createBuiltinRegistry();
const atBoot = loaded();
const state = { files: [{ path: 'f.ts', sha256: 'x', lines: 1, inline: true }], edited: { 'f.ts': 'var f = 1;' }, to_review: ['f.ts'] };
const patch = await registry.get('lint_files').run({ state, config: { complexity: 10, rules: {} }, log() {}, emit() {} });
console.log(JSON.stringify({ atBoot, afterRun: loaded(), findings: patch.findings['f.ts'].map((f) => f.rule) }));
`;

it('loads ESLint, typescript-eslint and TypeScript on the first review, not with the registry', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    atBoot: { typescript: false, eslint: false, typescriptEslint: false },
    afterRun: { typescript: true, eslint: true, typescriptEslint: true },
    findings: ['no-var', '@typescript-eslint/no-unused-vars'],
  });
}, 30_000);
