import { setMaxListeners } from 'node:events';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { tempSqlite } from '../lib/databases.js';

// Many concurrent invokes against one saver add an abort listener each to shared signals; the
// resulting MaxListenersExceededWarning is noise here, not a leak.
setMaxListeners(0);

/** LangGraph's SQLite checkpointer on a fresh temp file (WAL, its own defaults otherwise). */
export function tempSqliteSaver() {
  const db = tempSqlite('langgraph-benchmark-');
  const saver = SqliteSaver.fromConnString(db.path);
  return {
    saver,
    /** Rows written: checkpoints plus pending writes (LangGraph's counterpart of our events). */
    rows(): { checkpoints: number; writes: number } {
      const count = (table: string) =>
        (saver.db.prepare(`SELECT count(*) AS c FROM ${table}`).get() as { c: number }).c;
      return { checkpoints: count('checkpoints'), writes: count('writes') };
    },
    synchronous: () => saver.db.pragma('synchronous', { simple: true }) as number,
    async close() {
      saver.db.close();
      await db.drop();
    },
  };
}
