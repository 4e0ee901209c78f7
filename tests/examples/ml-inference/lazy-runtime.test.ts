import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// A fresh process: vitest's workers may have loaded onnxruntime already.
const script = `
import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url)('node:module')._cache)
  .some((k) => k.includes('/node_modules/onnxruntime-node/'));
const { createBuiltinRegistry } = await import('./src/tools/index.ts');
const { cachedSessionCount } = await import('./src/examples/ml-inference/session-cache.ts');
const tool = createBuiltinRegistry().get('ml_preprocess');
const atBoot = loaded();
const ctx = { config: { labelColumn: 'label', maxItems: 10 }, log() {}, emit() {} };
const items = [Array(64).fill(0)];
await tool.run({ ...ctx, state: { items } });
await tool.run({ ...ctx, state: { items } });
console.log(JSON.stringify({ atBoot, afterRun: loaded(), sessions: cachedSessionCount() }));
`;

it('imports onnxruntime on the first run, not with the registry, and keeps one session per file', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8' },
  );
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    atBoot: false,
    afterRun: true,
    sessions: 1,
  });
}, 30_000);
