import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module) builds. Node loads the CJS one for every package
    // (yoga, graphql-tools, Pothos), but Vite would give src/ the ESM one: two GraphQLError
    // classes, and `instanceof GraphQLError` in the error masking fails under test only.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
