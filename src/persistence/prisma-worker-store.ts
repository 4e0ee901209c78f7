import type { WorkerRecord, WorkerStore, WorkerToolRecord } from '../workers/ports.js';
import type { Database } from './database.js';

function toWorker(row: {
  id: string;
  tenantId: string;
  name: string;
  tools: unknown;
  slots: number;
  connectedTo: string | null;
  lastSeenAt: Date | null;
}): WorkerRecord {
  return { ...row, tools: Array.isArray(row.tools) ? (row.tools as string[]) : [] };
}

/** WorkerStore over Prisma. */
export function createPrismaWorkerStore(db: Database): WorkerStore {
  const { prisma } = db;
  return {
    async listTools() {
      const rows = await prisma.workerTool.findMany({ orderBy: { name: 'asc' } });
      return rows.map((r) => ({
        name: r.name,
        tenantId: r.tenantId,
        description: r.description,
        configSchema: r.configSchema as Record<string, unknown>,
        inputSchema: (r.inputSchema as Record<string, unknown> | null) ?? null,
      }));
    },
    async saveTool(tool: WorkerToolRecord) {
      const data = {
        description: tool.description,
        configSchema: tool.configSchema as object,
        ...(tool.inputSchema ? { inputSchema: tool.inputSchema as object } : {}),
      };
      // Create, or update only the owner's row: another tenant's name is left as it is.
      const { count } = await prisma.workerTool.updateMany({
        where: { name: tool.name, tenantId: tool.tenantId },
        data,
      });
      if (count === 1) return 'SAVED';
      try {
        await prisma.workerTool.create({
          data: { name: tool.name, tenantId: tool.tenantId, ...data },
        });
        return 'SAVED';
      } catch (err) {
        if ((err as { code?: string }).code === 'P2002') return 'TAKEN';
        throw err;
      }
    },
    async saveWorker(w) {
      const data = { tenantId: w.tenantId, name: w.name, tools: w.tools, slots: w.slots };
      await prisma.worker.upsert({
        where: { id: w.id },
        create: { id: w.id, ...data },
        update: data,
      });
    },
    async getWorker(id) {
      const row = await prisma.worker.findUnique({ where: { id } });
      return row ? toWorker(row) : null;
    },
    async listWorkers(tenantId) {
      const rows = await prisma.worker.findMany({
        where: { tenantId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toWorker);
    },
    async setConnected(ids, owner, now) {
      if (ids.length === 0) return;
      await prisma.worker.updateMany({
        where: { id: { in: [...ids] } },
        data: { connectedTo: owner, lastSeenAt: now },
      });
    },
  };
}
