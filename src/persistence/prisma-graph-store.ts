import type { GraphRecord, GraphStore } from '../graphs/types.js';
import type { Database } from './database.js';
import { toGraphVersionRecord } from './records.js';

const ACTIVE = ['QUEUED', 'RUNNING', 'WAITING'];

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}

export class GraphNameTakenError extends Error {
  constructor(readonly graphName: string) {
    super(`A graph named "${graphName}" already exists.`);
  }
}

/** GraphStore over Prisma; every write in a transaction (the single writer path on SQLite). */
export function createPrismaGraphStore(db: Database): GraphStore {
  const { prisma } = db;
  const rethrow = (name: string) => (err: unknown) => {
    throw isUniqueViolation(err) ? new GraphNameTakenError(name) : err;
  };
  return {
    create(id, versionId, g) {
      return prisma
        .$transaction(async (tx) => {
          const graph = await tx.graph.create({
            data: { id, name: g.name, description: g.description, latestVersion: 1 },
          });
          await tx.graphVersion.create({
            data: { id: versionId, graphId: id, version: 1, definition: g.definition as object },
          });
          return graph as GraphRecord;
        })
        .catch(rethrow(g.name));
    },
    update(id, versionId, g) {
      return prisma
        .$transaction(async (tx) => {
          const current = await tx.graph.findUnique({ where: { id } });
          if (!current) return null;
          const version = current.latestVersion + 1;
          await tx.graphVersion.create({
            data: { id: versionId, graphId: id, version, definition: g.definition as object },
          });
          return (await tx.graph.update({
            where: { id },
            data: { name: g.name, description: g.description, latestVersion: version },
          })) as GraphRecord;
        })
        .catch(rethrow(g.name));
    },
    async delete(id) {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.graph.deleteMany({ where: { id } });
        return count > 0;
      });
    },
    get: (id) => prisma.graph.findUnique({ where: { id } }),
    getByName: (name) => prisma.graph.findUnique({ where: { name } }),
    async latestVersion(graphId) {
      const graph = await prisma.graph.findUnique({ where: { id: graphId } });
      if (!graph) return null;
      // findFirst, not findUnique: Prisma batches concurrent findUniques on a compound key into
      // one statement, which passes SQLite's parameter limit under load.
      const row = await prisma.graphVersion.findFirst({
        where: { graphId, version: graph.latestVersion },
      });
      return row ? toGraphVersionRecord(row) : null;
    },
    countActiveRuns: (graphId) => prisma.run.count({ where: { graphId, status: { in: ACTIVE } } }),
  };
}
