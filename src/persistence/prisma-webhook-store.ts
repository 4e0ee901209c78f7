import type { WebhookStore } from '../triggers/ports.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';

/** Webhook triggers over Prisma; a delivery id is claimed by inserting its primary key. */
export function createPrismaWebhookStore(db: Database): WebhookStore {
  const { prisma } = db;
  const tx = <T>(fn: (client: typeof prisma) => Promise<T>) =>
    prisma.$transaction((t) => fn(t as typeof prisma));
  return {
    create: (trigger) => tx((t) => t.webhookTrigger.create({ data: trigger })),
    get: (id) => prisma.webhookTrigger.findUnique({ where: { id } }),
    async delete(id) {
      const { count } = await tx((t) => t.webhookTrigger.deleteMany({ where: { id } }));
      return count > 0;
    },
    async recordDelivery(triggerId, deliveryId, at) {
      try {
        await tx((t) =>
          t.webhookDelivery.create({ data: { triggerId, deliveryId, receivedAt: at } }),
        );
        return null;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const seen = await prisma.webhookDelivery.findUnique({
          where: { triggerId_deliveryId: { triggerId, deliveryId } },
        });
        return { runId: seen?.runId ?? null };
      }
    },
    async setDeliveryRun(triggerId, deliveryId, runId) {
      await tx((t) =>
        t.webhookDelivery.updateMany({ where: { triggerId, deliveryId }, data: { runId } }),
      );
    },
    async forgetDelivery(triggerId, deliveryId) {
      await tx((t) => t.webhookDelivery.deleteMany({ where: { triggerId, deliveryId } }));
    },
    async pruneDeliveries(before) {
      const { count } = await tx((t) =>
        t.webhookDelivery.deleteMany({ where: { receivedAt: { lt: before } } }),
      );
      return count;
    },
  };
}
