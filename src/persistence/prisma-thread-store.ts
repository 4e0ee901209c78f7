/**
 * ThreadStore over Prisma. Message numbers come from Thread.lastSeq, incremented in the same
 * transaction as the insert (the row lock orders concurrent appends on PostgreSQL; SQLite has
 * one writer), so the messages up to a run's cut are committed before anyone can read the cut.
 */
import type {
  MemoryPlace,
  StoredMemoryEntry,
  StoredThreadMessage,
  ThreadRunLink,
  ThreadStore,
} from '../threads/ports.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';

const asMessage = (m: {
  seq: number;
  role: string;
  content: string;
  runId: string | null;
  nodeId: string | null;
  createdAt: Date;
}): StoredThreadMessage => ({ ...m, role: m.role === 'assistant' ? 'assistant' : 'user' });

const asEntry = (e: { key: string; value: unknown; updatedAt: Date }): StoredMemoryEntry => ({
  key: e.key,
  value: e.value,
  updatedAt: e.updatedAt,
});

export function createPrismaThreadStore(db: Database): ThreadStore {
  const { prisma } = db;
  const id = (tenantId: string, threadId: string) => ({ tenantId_id: { tenantId, id: threadId } });

  /** Creates the thread if absent (a concurrent first use wins; this one then touches it). */
  async function touch(tenantId: string, threadId: string, now: Date) {
    const updated = await prisma.thread.updateMany({
      where: { tenantId, id: threadId },
      data: { updatedAt: now },
    });
    if (updated.count > 0) return;
    try {
      await prisma.thread.create({ data: { tenantId, id: threadId, updatedAt: now } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  const memoryOf = {
    get: (p: MemoryPlace, key: string) =>
      p.threadId === null
        ? prisma.tenantMemory.findUnique({ where: { tenantId_key: { tenantId: p.tenantId, key } } })
        : prisma.threadMemory.findUnique({
            where: { tenantId_threadId_key: { tenantId: p.tenantId, threadId: p.threadId, key } },
          }),
    count: (p: MemoryPlace) =>
      p.threadId === null
        ? prisma.tenantMemory.count({ where: { tenantId: p.tenantId } })
        : prisma.threadMemory.count({ where: { tenantId: p.tenantId, threadId: p.threadId } }),
  };

  return {
    async join(tenantId, threadId, runId, now) {
      await touch(tenantId, threadId, now);
      const thread = await prisma.thread.findUniqueOrThrow({
        where: id(tenantId, threadId),
        select: { lastSeq: true },
      });
      const link: ThreadRunLink = { runId, tenantId, threadId, historySeq: thread.lastSeq };
      await prisma.threadRun.create({ data: { ...link, createdAt: now } });
      return link;
    },

    async addLink(link, now) {
      try {
        await prisma.threadRun.create({ data: { ...link, createdAt: now } });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    },

    async link(runId) {
      const row = await prisma.threadRun.findUnique({ where: { runId } });
      return row
        ? {
            runId: row.runId,
            tenantId: row.tenantId,
            threadId: row.threadId,
            historySeq: row.historySeq,
          }
        : null;
    },

    get: (tenantId, threadId) => prisma.thread.findUnique({ where: id(tenantId, threadId) }),

    ensure: (tenantId, threadId, now) => touch(tenantId, threadId, now),

    async messages(tenantId, threadId, range) {
      const where = {
        tenantId,
        threadId,
        seq: {
          ...(range.upToSeq !== undefined ? { lte: range.upToSeq } : {}),
          ...(range.afterSeq !== undefined ? { gt: range.afterSeq } : {}),
        },
      };
      if (range.last !== undefined) {
        const rows = await prisma.threadMessage.findMany({
          where,
          orderBy: { seq: 'desc' },
          take: range.last,
        });
        return rows.reverse().map(asMessage);
      }
      const rows = await prisma.threadMessage.findMany({
        where,
        orderBy: { seq: 'asc' },
        ...(range.first !== undefined ? { take: range.first } : {}),
      });
      return rows.map(asMessage);
    },

    async append(tenantId, threadId, key, messages, origin, now) {
      if (messages.length === 0) return false;
      const keys = messages.map((_, i) => `${key}:${i + 1}`);
      try {
        return await prisma.$transaction(async (tx) => {
          const seen = await tx.threadMessage.findFirst({
            where: { tenantId, threadId, key: keys[0] as string },
            select: { seq: true },
          });
          if (seen) return false;
          const thread = await tx.thread.update({
            where: id(tenantId, threadId),
            data: { lastSeq: { increment: messages.length }, updatedAt: now },
            select: { lastSeq: true },
          });
          const first = thread.lastSeq - messages.length + 1;
          await tx.threadMessage.createMany({
            data: messages.map((m, i) => ({
              tenantId,
              threadId,
              seq: first + i,
              role: m.role,
              content: m.content,
              runId: origin.runId,
              nodeId: origin.nodeId,
              key: keys[i] as string,
              createdAt: now,
            })),
          });
          return true;
        });
      } catch (err) {
        // The same key appended at once by another attempt: it is stored once.
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },

    async runIds(tenantId, threadId, limit) {
      const rows = await prisma.threadRun.findMany({
        where: { tenantId, threadId },
        orderBy: [{ createdAt: 'desc' }, { runId: 'desc' }],
        take: limit,
        select: { runId: true },
      });
      return rows.map((r) => r.runId);
    },

    async getMemory(place, key) {
      const row = await memoryOf.get(place, key);
      return row ? asEntry(row) : null;
    },

    async setMemory(place, key, value, now, maxEntries) {
      const exists = (await memoryOf.get(place, key)) !== null;
      if (!exists && (await memoryOf.count(place)) >= maxEntries) return false;
      const json = value as never;
      if (place.threadId === null)
        await prisma.tenantMemory.upsert({
          where: { tenantId_key: { tenantId: place.tenantId, key } },
          create: { tenantId: place.tenantId, key, value: json, updatedAt: now },
          update: { value: json, updatedAt: now },
        });
      else {
        const where = { tenantId: place.tenantId, threadId: place.threadId, key };
        await prisma.$transaction([
          prisma.threadMemory.upsert({
            where: { tenantId_threadId_key: where },
            create: { ...where, value: json, updatedAt: now },
            update: { value: json, updatedAt: now },
          }),
          prisma.thread.updateMany({
            where: { tenantId: place.tenantId, id: place.threadId },
            data: { updatedAt: now },
          }),
        ]);
      }
      return true;
    },

    async deleteMemory(place, key) {
      const { count } =
        place.threadId === null
          ? await prisma.tenantMemory.deleteMany({ where: { tenantId: place.tenantId, key } })
          : await prisma.threadMemory.deleteMany({
              where: { tenantId: place.tenantId, threadId: place.threadId, key },
            });
      return count > 0;
    },

    async listMemory(place) {
      const rows =
        place.threadId === null
          ? await prisma.tenantMemory.findMany({
              where: { tenantId: place.tenantId },
              orderBy: { key: 'asc' },
            })
          : await prisma.threadMemory.findMany({
              where: { tenantId: place.tenantId, threadId: place.threadId },
              orderBy: { key: 'asc' },
            });
      return rows.map(asEntry);
    },

    async expire(cutoff, limit) {
      let deleted = 0;
      let cursor: { tenantId: string; id: string } | undefined;
      for (;;) {
        // Keyset pages (not Prisma's cursor: the cursor row may have just been deleted).
        const after = cursor
          ? {
              OR: [
                { tenantId: { gt: cursor.tenantId } },
                { tenantId: cursor.tenantId, id: { gt: cursor.id } },
              ],
            }
          : {};
        const page = await prisma.thread.findMany({
          where: { updatedAt: { lt: cutoff }, ...after },
          orderBy: [{ tenantId: 'asc' }, { id: 'asc' }],
          take: limit,
          select: { tenantId: true, id: true },
        });
        if (page.length === 0) return deleted;
        const links = await prisma.threadRun.findMany({
          where: { OR: page.map((t) => ({ tenantId: t.tenantId, threadId: t.id })) },
          select: { runId: true, tenantId: true, threadId: true },
        });
        const alive = new Set(
          (
            await prisma.run.findMany({
              where: { id: { in: links.map((l) => l.runId) } },
              select: { id: true },
            })
          ).map((r) => r.id),
        );
        const busy = new Set(
          links.filter((l) => alive.has(l.runId)).map((l) => `${l.tenantId}\u0000${l.threadId}`),
        );
        for (const t of page) {
          if (busy.has(`${t.tenantId}\u0000${t.id}`)) continue;
          // Still idle (a run joining now marks it first): messages and memory cascade.
          const gone = await prisma.$transaction(async (tx) => {
            const { count } = await tx.thread.deleteMany({
              where: { tenantId: t.tenantId, id: t.id, updatedAt: { lt: cutoff } },
            });
            if (count > 0)
              await tx.threadRun.deleteMany({ where: { tenantId: t.tenantId, threadId: t.id } });
            return count;
          });
          deleted += gone;
        }
        if (page.length < limit) return deleted;
        cursor = page[page.length - 1];
      }
    },
  };
}
