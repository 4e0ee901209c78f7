import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// A fresh process: vitest's own workers may have loaded the compiler already.
const script = `
import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url)('node:module')._cache)
  .some((k) => k.includes('/node_modules/typescript/lib/typescript.js'));
const { createBuiltinRegistry } = await import('./src/tools/index.ts');
const tool = createBuiltinRegistry().get('extract_functions');
const atBoot = loaded();
const patch = await tool.run({ state: { code: 'function f() {}' }, config: {}, log() {}, emit() {} });
console.log(JSON.stringify({ atBoot, afterRun: loaded(), functions: patch.functions.length }));
`;

it('loads the TypeScript compiler on the first code review, not with the registry', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    atBoot: false,
    afterRun: true,
    functions: 1,
  });
}, 30_000);
