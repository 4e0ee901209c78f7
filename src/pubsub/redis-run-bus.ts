import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { RunEventBus, RunTopic } from '../runs/ports.js';
import { createRunBus } from './run-bus.js';

export interface RedisRunBus extends RunEventBus {
  close(): Promise<void>;
}

interface Message {
  /** The publishing process: it delivered locally already and ignores its own echo. */
  o: string;
  t: RunTopic;
  id: string;
  items: unknown[];
}

/**
 * The run bus across processes: local subscribers are served at once by the in-process bus,
 * other processes through Redis pub/sub (one channel per run, subscribed only while this process
 * has subscribers for it, plus one channel for run updates). Opt-in with REDIS_URL; without it,
 * subscriptions to runs of another process still work by polling the store, only slower.
 */
export async function createRedisRunBus(
  url: string,
  logger: Logger,
  prefix = 'aef:',
): Promise<RedisRunBus> {
  const origin = randomUUID();
  const updates = `${prefix}run-updates`;
  const channel = (runId: string) => `${prefix}run:${runId}`;
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
  const pub = new Redis(url, options);
  const sub = new Redis(url, options);
  for (const c of [pub, sub]) c.on('error', (err) => logger.warn('redis bus error', { err }));
  await Promise.all([pub.connect(), sub.connect()]);

  const local = createRunBus({
    onFirstSubscriber: (topic, id) => {
      if (topic !== 'run:event') return;
      sub.subscribe(channel(id)).catch((err) => logger.warn('redis subscribe failed', { err }));
    },
    onLastUnsubscribed: (topic, id) => {
      if (topic === 'run:event') sub.unsubscribe(channel(id)).catch(() => {});
    },
  });
  await sub.subscribe(updates);
  sub.on('message', (_ch: string, raw: string) => {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.o === origin || !Array.isArray(message.items)) return;
    if (message.t === 'run:updated') {
      // Dates travel as strings: give subscribers the record shape they expect.
      const items = message.items.map((u) => reviveDates(u as Record<string, unknown>));
      local.publish('run:updated', message.id, items as never[]);
    } else if (message.t === 'run:event')
      local.publish('run:event', message.id, message.items as never[]);
  });

  return {
    publish(topic, id, items) {
      local.publish(topic, id, items);
      const ch = topic === 'run:event' ? channel(id) : updates;
      const message: Message = { o: origin, t: topic, id, items: items as unknown[] };
      pub
        .publish(ch, JSON.stringify(message))
        .catch((err) => logger.warn('redis publish failed', { err }));
    },
    subscribe: (topic, id) => local.subscribe(topic, id),
    closeAll: () => local.closeAll(),
    async close() {
      local.closeAll();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

const DATE_FIELDS = ['createdAt', 'startedAt', 'finishedAt'] as const;

function reviveDates(record: Record<string, unknown>): Record<string, unknown> {
  for (const f of DATE_FIELDS) if (typeof record[f] === 'string') record[f] = new Date(record[f]);
  return record;
}
