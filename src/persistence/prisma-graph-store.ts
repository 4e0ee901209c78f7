import {
  ACTIVE_STATUSES,
  type GraphRecord,
  type GraphSaved,
  type GraphStore,
} from '../runs/ports.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';
import { toGraphVersionRecord } from './records.js';

const NAME_TAKEN: GraphSaved = { ok: false, reason: 'NAME_TAKEN' };
const saved = (graph: GraphRecord): GraphSaved => ({ ok: true, graph });

/** GraphStore over Prisma; every write in a transaction (the single writer path on SQLite). */
export function createPrismaGraphStore(db: Database): GraphStore {
  const { prisma } = db;
  const nameTaken = (err: unknown): GraphSaved => {
    if (isUniqueViolation(err)) return NAME_TAKEN;
    throw err;
  };
  return {
    create(id, versionId, g) {
      return prisma
        .$transaction(async (tx) => {
          const graph = await tx.graph.create({
            data: {
              id,
              tenantId: g.tenantId,
              name: g.name,
              description: g.description,
              latestVersion: 1,
            },
          });
          await tx.graphVersion.create({
            data: {
              id: versionId,
              tenantId: g.tenantId,
              graphId: id,
              version: 1,
              definition: g.definition as object,
            },
          });
          return saved(graph);
        })
        .catch(nameTaken);
    },
    update(id, versionId, g) {
      return prisma
        .$transaction(async (tx) => {
          const current = await tx.graph.findUnique({ where: { id } });
          if (!current || current.tenantId !== g.tenantId || current.archivedAt) return null;
          const version = current.latestVersion + 1;
          await tx.graphVersion.create({
            data: {
              id: versionId,
              tenantId: g.tenantId,
              graphId: id,
              version,
              definition: g.definition as object,
            },
          });
          return saved(
            await tx.graph.update({
              where: { id },
              data: { name: g.name, description: g.description, latestVersion: version },
            }),
          );
        })
        .catch(nameTaken);
    },
    async delete(id) {
      // Archived, not deleted: its runs and history stay readable; purgeGraph removes them.
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.graph.updateMany({
          where: { id, archivedAt: null },
          data: { archivedAt: new Date() },
        });
        // Its schedules stop firing (a run of an archived graph cannot start).
        if (count > 0)
          await tx.schedule.updateMany({ where: { graphId: id }, data: { paused: true } });
        return count > 0;
      });
    },
    // An archived graph is gone for everything but reading its runs (GraphQL reads rows itself).
    get: (id) => prisma.graph.findFirst({ where: { id, archivedAt: null } }),
    // findFirst: the name is unique among graphs not archived only.
    getByName: (tenantId, name) =>
      prisma.graph.findFirst({ where: { tenantId, name, archivedAt: null } }),
    async latestVersion(graphId) {
      // One query: versions are immutable and numbered, so the latest is the highest. (findFirst,
      // not findUnique: Prisma batches concurrent findUniques into one statement, which passes
      // SQLite's parameter limit under load.)
      const row = await prisma.graphVersion.findFirst({
        where: { graphId, graph: { archivedAt: null } },
        orderBy: { version: 'desc' },
      });
      return row ? toGraphVersionRecord(row) : null;
    },
    async getVersion(graphId, version) {
      const row = await prisma.graphVersion.findFirst({
        where: { graphId, version, graph: { archivedAt: null } },
      });
      return row ? toGraphVersionRecord(row) : null;
    },
    async setPaused(id, paused) {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.graph.updateMany({
          where: { id, archivedAt: null },
          data: { paused },
        });
        return count > 0 ? tx.graph.findUnique({ where: { id } }) : null;
      });
    },
    countActiveRuns: (graphId) =>
      prisma.run.count({ where: { graphId, status: { in: [...ACTIVE_STATUSES] } } }),
  };
}
