/**
 * Thread store benchmark: what a run on a thread adds to its llm / agent nodes. Joining a thread
 * (startRun with a threadId), appending a node's exchange (sequential, and 8 writers on one
 * thread), reading a 20-message window of a long thread, and a memory set + get. SQLite in a
 * temp file; PostgreSQL too when BENCH_DATABASE_URL names a server (a fresh database on it).
 *
 *   npx tsx bench/threads.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/persistence/database.js';
import { createPrismaThreadStore } from '../src/persistence/prisma-thread-store.js';
import type { ThreadStore } from '../src/threads/ports.js';

const N = Number(process.env.BENCH_N ?? 500);
const origin = { runId: null, nodeId: null };
const exchange = [
  { role: 'user' as const, content: 'What is the status of order 42?' },
  { role: 'assistant' as const, content: 'Order 42 shipped yesterday and arrives on Friday.' },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function timed(label: string, count: number, op: (i: number) => Promise<unknown>) {
  const ms: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    ms.push(performance.now() - t);
  }
  const total = performance.now() - started;
  ms.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(44)} ${(count / (total / 1000)).toFixed(0).padStart(7)}/s  p50 ${percentile(ms, 50).toFixed(2)} ms  p99 ${percentile(ms, 99).toFixed(2)} ms`,
  );
}

async function bench(name: string, store: ThreadStore): Promise<void> {
  console.log(`${name} (${N} operations each)`);
  const now = new Date();
  await timed('join (new thread each)', N, (i) => store.join('b', `join-${i}`, `run-j${i}`, now));
  await timed('join (one thread)', N, (i) => store.join('b', 'shared', `run-s${i}`, now));
  await store.ensure('b', 'long', now);
  await timed('append a 2-message exchange', N, (i) =>
    store.append('b', 'long', `seq-${i}`, exchange, origin, now),
  );
  await store.ensure('b', 'contended', now);
  const writers = 8;
  const per = Math.ceil(N / writers);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < per; i++)
        await store.append('b', 'contended', `w${w}-${i}`, exchange, origin, now);
    }),
  );
  const s = (performance.now() - started) / 1000;
  console.log(
    `  ${'append, 8 writers on one thread'.padEnd(44)} ${((writers * per) / s).toFixed(0).padStart(7)}/s`,
  );
  const last = (await store.get('b', 'long'))?.lastSeq ?? 0;
  await timed(`read a 20-message window of ${last} messages`, N, () =>
    store.messages('b', 'long', { upToSeq: last, last: 20 }),
  );
  await store.ensure('b', 'mem', now);
  const place = { tenantId: 'b', threadId: 'mem' };
  await timed('memory set + get', N, async (i) => {
    await store.setMemory(place, `k${i % 50}`, { i, note: 'remember this' }, now, 1_000);
    await store.getMemory(place, `k${i % 50}`);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aef-bench-threads-'));
try {
  const db = await openDatabase(`file:${join(dir, 'bench.db')}`);
  await bench('SQLite', createPrismaThreadStore(db));
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const server = process.env.BENCH_DATABASE_URL;
if (server) {
  const name = `aef_bench_threads_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    const db = await openDatabase(url.toString());
    await bench('PostgreSQL', createPrismaThreadStore(db));
    await db.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
