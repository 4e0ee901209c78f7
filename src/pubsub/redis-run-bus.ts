import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RunEvent } from '../engine/index.js';
import type { Logger } from '../logger.js';
import { createRunBus, type RunBus, type RunUpdate } from './run-bus.js';

export interface RedisRunBus extends RunBus {
  close(): Promise<void>;
}

interface Message {
  /** The publishing process: it delivered locally already and ignores its own echo. */
  o: string;
  e?: RunEvent[];
  u?: RunUpdate;
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
    onFirstSubscriber: (runId) => {
      sub.subscribe(channel(runId)).catch((err) => logger.warn('redis subscribe failed', { err }));
    },
    onLastUnsubscribed: (runId) => {
      sub.unsubscribe(channel(runId)).catch(() => {});
    },
  });
  await sub.subscribe(updates);
  sub.on('message', (ch: string, raw: string) => {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.o === origin) return;
    if (ch === updates && message.u) local.publishRunUpdate(message.u);
    else if (message.e) local.publishEvents(message.e);
  });

  const send = (ch: string, message: Message) => {
    pub
      .publish(ch, JSON.stringify(message))
      .catch((err) => logger.warn('redis publish failed', { err }));
  };

  return {
    publishEvents(events) {
      local.publishEvents(events);
      const byRun = new Map<string, RunEvent[]>();
      for (const e of events) {
        const list = byRun.get(e.runId);
        if (list) list.push(e);
        else byRun.set(e.runId, [e]);
      }
      for (const [runId, list] of byRun) send(channel(runId), { o: origin, e: list });
    },
    publishRunUpdate(update) {
      local.publishRunUpdate(update);
      send(updates, { o: origin, u: update });
    },
    subscribeEvents: (runId) => local.subscribeEvents(runId),
    subscribeRunUpdates: (graphId) => local.subscribeRunUpdates(graphId),
    closeAll: () => local.closeAll(),
    async close() {
      local.closeAll();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
