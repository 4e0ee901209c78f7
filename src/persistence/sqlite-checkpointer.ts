import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** Commits before the checkpointer starts: a short-lived database (a test, a CLI) never needs it. */
const START_AFTER_COMMITS = 200;
/** How often the worker checkpoints the WAL. */
const EVERY_MS = 100;
/**
 * What the main connection still checkpoints by itself (pages, ~80 MB): only if the worker
 * falls that far behind. Below it, no commit on the event loop pays for a checkpoint.
 */
const SAFETY_NET_PAGES = 20_000;

/**
 * The worker's code: its own connection to the file, a PASSIVE checkpoint every EVERY_MS
 * (it never waits for, nor blocks, the writer). A fixed string of ours, not anything a user sent.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 0 });
const step = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(step, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); step(); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  /** A commit landed on the main connection. */
  committed(): void;
  stop(): Promise<void>;
}

/**
 * SQLite's automatic checkpoint runs inside the commit that crosses the mark, on the event loop:
 * copying ~8 MB of WAL back into the database file and syncing it held the loop for tens of ms
 * every few hundred runs. Once a database is busy, a worker thread does it instead, on its own
 * connection, and the main connection's own checkpoint is pushed back to a safety net.
 */
export function sqliteCheckpointer(path: string, main: BetterSqlite3.Database): Checkpointer {
  let commits = 0;
  let worker: Worker | undefined;
  let stopped = false;
  const start = () => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER, { eval: true, workerData: { path, driver, everyMs: EVERY_MS } });
    worker.unref();
    worker.on('error', () => {
      // Checkpointing falls back to the main connection, as before.
      if (main.open) main.pragma('wal_autocheckpoint = 2000');
    });
    main.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  };
  return {
    committed() {
      if (worker || stopped || ++commits < START_AFTER_COMMITS) return;
      start();
    },
    async stop() {
      stopped = true;
      const w = worker;
      if (!w) return;
      worker = undefined;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('stop');
      const timer = setTimeout(() => void w.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
