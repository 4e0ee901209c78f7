import type { StartKeyClaim, StartKeyStore } from '../runs/ports.js';
import type { Database } from './database.js';
import { dialectFor } from './sql-dialect.js';

/**
 * Idempotency keys over one statement: an insert on the primary key that, on conflict, takes
 * over only a claim older than the window. Two starts with one key (two servers on PostgreSQL
 * too) cannot both get their run id back.
 */
export function createPrismaStartKeyStore(db: Database): StartKeyStore {
  const { prisma } = db;
  const d = dialectFor(db.provider);
  const tx = <T>(fn: (client: typeof prisma) => Promise<T>) =>
    prisma.$transaction((t) => fn(t as typeof prisma));
  const where = (k: { tenantId: string; graphId: string; key: string }) => ({
    tenantId_graphId_key: { tenantId: k.tenantId, graphId: k.graphId, key: k.key },
  });

  return {
    async claim(key, claim, since) {
      // A key released between the two statements (its start failed) is claimed again.
      for (;;) {
        const rows = await tx((t) =>
          t.$queryRawUnsafe<Array<{ runId: string }>>(
            `INSERT INTO "RunStartKey" ("tenantId", "graphId", "key", "runId", "fingerprint", "createdAt")
           VALUES (${d.param(1, 'text')}, ${d.param(2, 'text')}, ${d.param(3, 'text')}, ${d.param(4, 'text')}, ${d.param(5, 'text')}, ${d.param(6, 'timestamp')})
           ON CONFLICT ("tenantId", "graphId", "key") DO UPDATE SET
             "runId" = excluded."runId", "fingerprint" = excluded."fingerprint", "createdAt" = excluded."createdAt"
           WHERE "RunStartKey"."createdAt" < ${d.param(7, 'timestamp')}
           RETURNING "runId"`,
            key.tenantId,
            key.graphId,
            key.key,
            claim.runId,
            claim.fingerprint,
            d.time(claim.createdAt.getTime()),
            d.time(since.getTime()),
          ),
        );
        if (rows[0]?.runId === claim.runId) return null;
        const held = await prisma.runStartKey.findUnique({ where: where(key) });
        if (held) return held satisfies StartKeyClaim;
      }
    },

    async replace(key, fromRunId, claim) {
      const { count } = await tx((t) =>
        t.runStartKey.updateMany({
          where: { ...where(key).tenantId_graphId_key, runId: fromRunId },
          data: { runId: claim.runId, fingerprint: claim.fingerprint, createdAt: claim.createdAt },
        }),
      );
      return count > 0;
    },

    async prune(before) {
      const { count } = await tx((t) =>
        t.runStartKey.deleteMany({ where: { createdAt: { lt: before } } }),
      );
      return count;
    },

    async release(key, runId) {
      await tx((t) =>
        t.runStartKey.deleteMany({ where: { ...where(key).tenantId_graphId_key, runId } }),
      );
    },
  };
}
