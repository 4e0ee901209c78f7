import { afterAll, afterEach } from 'vitest';
import { type Backend, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { killAllServers } from './spawn-server.js';

/**
 * For a describe block whose tests spawn server processes: every server is killed after each
 * test, every database the block opened is dropped after it. Returns the opener.
 */
export function processSuiteDatabases(
  backend: Backend,
  timeoutMs: number,
): () => Promise<TestDatabase> {
  const databases: TestDatabase[] = [];
  afterEach(killAllServers);
  afterAll(async () => {
    await killAllServers();
    for (const db of databases) await db.drop();
  }, timeoutMs);
  return async () => {
    const db = await openTestDatabase(backend);
    databases.push(db);
    return db;
  };
}
