import type { ApiKeyRecord, ApiKeyStore } from '../auth/api-keys.js';
import type { Role } from '../auth/identity.js';
import type { Database } from './database.js';

type Row = Omit<ApiKeyRecord, 'role'> & { role: string };
const toRecord = (row: Row): ApiKeyRecord => ({ ...row, role: row.role as Role });

/** ApiKeyStore over Prisma: hashes only, never keys. */
export function createPrismaApiKeyStore(db: Database): ApiKeyStore {
  const { prisma } = db;
  return {
    async insert(key) {
      await prisma.$transaction((tx) => tx.apiKey.create({ data: key }));
    },
    async get(id) {
      const row = await prisma.apiKey.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },
    async list(tenantId) {
      const rows = await prisma.apiKey.findMany({
        where: tenantId ? { tenantId } : {},
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toRecord);
    },
    async revoke(id, tenantId) {
      const { count } = await prisma.$transaction((tx) =>
        tx.apiKey.updateMany({
          where: { id, revokedAt: null, ...(tenantId ? { tenantId } : {}) },
          data: { revokedAt: new Date() },
        }),
      );
      return count > 0;
    },
  };
}
