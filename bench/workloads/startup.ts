/**
 * Start-up RSS of the server (issue 16: under 150 MB compiled): `node dist/main.js` on a fresh
 * SQLite file, and, beside it, the way the bench and `npm run dev` run it (tsx src/main.ts).
 * RSS is read from /proc/<pid>/status (VmRSS) once /health answers, after a short settle.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempSqlite } from '../lib/databases.js';
import { ROOT } from '../lib/machine.js';

export interface StartupSample {
  /** VmRSS once healthy, bytes. */
  rss: number;
  /** Spawn -> /health answering 200, ms. */
  ms: number;
}

export const COMPILED_MAIN = join(ROOT, 'dist', 'main.js');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const vmRss = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) * 1024;
};

/** Starts the server with `args` (node flags and script), measures, stops it. */
export async function startupRss(args: string[]): Promise<StartupSample> {
  const db = tempSqlite('aef-startup-');
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_EXAMPLES: 'false',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const t0 = performance.now();
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${args.join(' ')} exited (${child.exitCode}): ${stderr.slice(0, 500)}`);
      if (performance.now() - t0 > 60_000) throw new Error(`${args.join(' ')}: no /health in 60 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    return { rss: vmRss(child.pid!), ms };
  } finally {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
    await db.drop();
  }
}

export const compiledAvailable = () => existsSync(COMPILED_MAIN);
