import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const PYTHON_WORKER = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'workers',
  'python',
  'worker.py',
);

/** Starts examples/workers/python/worker.py against a server; its output is kept. */
export function startPythonWorker(url: string, env: Record<string, string>) {
  const lines: string[] = [];
  const child: ChildProcess = spawn(PYTHON, [PYTHON_WORKER], {
    env: { ...process.env, AEF_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [child.stdout, child.stderr])
    s?.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    lines,
    exited,
    output: () => lines.join('\n'),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
