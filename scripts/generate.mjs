// postinstall: generate the Prisma clients (and Pothos types) for both providers.
// Prisma's CLI wants a schema-engine binary it cannot download here; `generate` never runs it,
// so any existing file satisfies the check. Migrations are applied by the app (src/persistence).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
if (!existsSync(prismaCli)) {
  console.error('prisma CLI not installed; run npm install');
  process.exit(1);
}
for (const provider of ['sqlite', 'postgresql']) {
  execFileSync(
    process.execPath,
    [
      prismaCli,
      'generate',
      '--no-hints',
      '--schema',
      join(root, 'prisma', provider, 'schema.prisma'),
    ],
    { stdio: 'inherit', env, cwd: root },
  );
}
