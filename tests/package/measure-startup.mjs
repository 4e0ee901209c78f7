// Start-up cost of the server: time to the first 200 from /health and resident memory then
// (summed over the process tree: `tsx` runs the app in a child process). Fresh SQLite each run.
// Usage: node tests/package/measure-startup.mjs [runs] -- <command...>
//   node tests/package/measure-startup.mjs 3 -- node node_modules/tsx/dist/cli.mjs src/main.ts
//   node tests/package/measure-startup.mjs 3 -- node dist/main.js
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

const sep = process.argv.indexOf('--');
const runs = Number(process.argv[2] ?? 3);
const [cmd, ...args] = process.argv.slice(sep + 1);

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function children(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry), ...children(Number(entry)));
    } catch {}
  }
  return out;
}

for (let i = 0; i < runs; i++) {
  const db = `/tmp/measure-startup-${process.pid}-${i}.db`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = performance.now();
  const child = spawn(cmd, args, {
    env: { ...process.env, DATABASE_URL: `file:${db}`, PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: 'ignore',
    detached: true, // its own process group: `npm start` and `tsx` leave children behind otherwise
  });
  let ms = 0;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) {
        ms = performance.now() - started;
        break;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
  const kb = [child.pid, ...children(child.pid)].reduce((sum, pid) => sum + rssKb(pid), 0);
  console.log(`run ${i + 1}: healthy after ${Math.round(ms)} ms, RSS ${Math.round(kb / 1024)} MB`);
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  await new Promise((r) => setTimeout(r, 200));
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
}
