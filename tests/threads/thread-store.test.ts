/**
 * The thread store on SQLite and PostgreSQL: first uses at once make one thread, concurrent
 * appends get gapless seqs, an append repeated with its key stores nothing, the history cut and
 * window, memory bounds, and the retention of idle threads without runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/persistence/database.js';
import { createPrismaThreadStore } from '../../src/persistence/prisma-thread-store.js';
import type { ThreadStore } from '../../src/threads/ports.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const at = (iso: string) => new Date(iso);
const origin = { runId: null, nodeId: null };

for (const { name, skip } of await backends()) {
  describe(`thread store (${name})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let tdb: TestDatabase;
    let db: Database;
    let store: ThreadStore;
    beforeAll(async () => {
      tdb = await openTestDatabase(name);
      db = await openDatabase(tdb.url);
      store = createPrismaThreadStore(db);
    });
    afterAll(async () => {
      await db?.close();
      await tdb?.drop();
    });

    it('makes one thread of first uses at once, each run linked with the cut of its start', async () => {
      const now = at('2026-12-01T10:00:00Z');
      const links = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.join('t', 'race', `run-${i}`, now)),
      );
      expect(links.map((l) => l.historySeq)).toEqual([0, 0, 0, 0, 0, 0]);
      expect((await store.runIds('t', 'race', 100)).sort()).toEqual(
        ['run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5'].sort(),
      );
      await store.append('t', 'race', 'k', [{ role: 'user', content: 'hi' }], origin, now);
      expect((await store.join('t', 'race', 'run-late', now)).historySeq).toBe(1);
      expect(await store.link('run-late')).toMatchObject({ threadId: 'race', historySeq: 1 });
      expect(await store.get('other-tenant', 'race')).toBeNull();
    });

    it('numbers concurrent appends without gaps, each append in one piece, once per key', async () => {
      const now = at('2026-12-01T10:00:00Z');
      await store.ensure('t', 'busy', now);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.append(
            't',
            'busy',
            `node-${i}`,
            [
              { role: 'user', content: `q${i}` },
              { role: 'assistant', content: `a${i}` },
            ],
            origin,
            now,
          ),
        ),
      );
      expect(results).toEqual(Array(10).fill(true));
      const again = await store.append(
        't',
        'busy',
        'node-3',
        [{ role: 'user', content: 'q3' }],
        origin,
        now,
      );
      expect(again).toBe(false);
      const all = await store.messages('t', 'busy', {});
      expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (let i = 0; i < 20; i += 2) {
        const n = (all[i]?.content ?? '').slice(1);
        expect([all[i]?.content, all[i + 1]?.content]).toEqual([`q${n}`, `a${n}`]);
      }
      expect((await store.get('t', 'busy'))?.lastSeq).toBe(20);
      const cut = await store.messages('t', 'busy', { upToSeq: 12, last: 3 });
      expect(cut.map((m) => m.seq)).toEqual([10, 11, 12]);
      const page = await store.messages('t', 'busy', { afterSeq: 18, first: 5 });
      expect(page.map((m) => m.seq)).toEqual([19, 20]);
    });

    it('bounds the entries of a memory scope; thread and tenant memory are apart', async () => {
      const now = at('2026-12-01T10:00:00Z');
      await store.ensure('t', 'mem', now);
      const thread = { tenantId: 't', threadId: 'mem' };
      const tenant = { tenantId: 't', threadId: null };
      expect(await store.setMemory(thread, 'a', 1, now, 2)).toBe(true);
      expect(await store.setMemory(thread, 'b', { x: [1, 2] }, now, 2)).toBe(true);
      expect(await store.setMemory(thread, 'c', 3, now, 2)).toBe(false);
      expect(await store.setMemory(thread, 'a', 'changed', now, 2)).toBe(true);
      expect(await store.setMemory(tenant, 'a', 'tenant', now, 2)).toBe(true);
      expect((await store.listMemory(thread)).map((e) => [e.key, e.value])).toEqual([
        ['a', 'changed'],
        ['b', { x: [1, 2] }],
      ]);
      expect((await store.getMemory(tenant, 'a'))?.value).toBe('tenant');
      expect(await store.deleteMemory(thread, 'a')).toBe(true);
      expect(await store.deleteMemory(thread, 'a')).toBe(false);
      expect(await store.getMemory(thread, 'a')).toBeNull();
    });

    it('expires threads idle before the cutoff whose runs are gone, with messages and memory', async () => {
      const old = at('2026-01-01T00:00:00Z');
      const recent = at('2026-12-01T00:00:00Z');
      for (let i = 0; i < 5; i++) {
        await store.join('gc', `old-${i}`, `gone-run-${i}`, old); // no such Run row: all purged
        await store.append('gc', `old-${i}`, 'k', [{ role: 'user', content: 'x' }], origin, old);
        await store.setMemory({ tenantId: 'gc', threadId: `old-${i}` }, 'k', i, old, 10);
      }
      await store.ensure('gc', 'recent', recent);
      const removed = await store.expire(at('2026-06-01T00:00:00Z'), 2); // pages of 2
      expect(removed).toBe(5);
      for (let i = 0; i < 5; i++) expect(await store.get('gc', `old-${i}`)).toBeNull();
      expect(await store.link('gone-run-0')).toBeNull();
      expect(await store.messages('gc', 'old-0', {})).toEqual([]);
      expect(await store.listMemory({ tenantId: 'gc', threadId: 'old-0' })).toEqual([]);
      expect(await store.get('gc', 'recent')).not.toBeNull();
    });
  });
}
