// Builds the dashboard (src/dashboard, React + Vite) into dist/dashboard, served at `/`.
//   node scripts/build-dashboard.mjs             build
//   node scripts/build-dashboard.mjs --if-stale  only when src/dashboard or vite.config.ts is
//                                                newer than the last build (or there is none)
// Vite is a devDependency: an installed package ships dist/dashboard built, and a checkout
// without it (npm install --omit=dev) keeps the dashboard it has, or serves a page saying so.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'dashboard');
const stamp = join(root, 'dist', 'dashboard', 'index.html');

/** Newest mtime under `path`; screenshots (written by npm run screenshots) are no input. */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'screenshots') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function dashboardIsFresh() {
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return [source, join(root, 'vite.config.ts')].every((p) => newestMtime(p) <= built);
}

export async function buildDashboard({ ifStale = false } = {}) {
  if (ifStale && dashboardIsFresh()) return false;
  if (!existsSync(join(root, 'node_modules', 'vite'))) {
    console.error('vite is not installed (a production install): the dashboard is not rebuilt');
    return false;
  }
  // What ships is the production build, whatever NODE_ENV the caller runs under (vitest sets
  // `test`, which would bundle React's development build into dist/dashboard).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts') });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await buildDashboard({ ifStale: process.argv.includes('--if-stale') });
