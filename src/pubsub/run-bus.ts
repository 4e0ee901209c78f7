import type { BusSubscription, RunEventBus, RunTopic, RunTopics } from '../runs/ports.js';
import { AsyncQueue } from './async-queue.js';

/** Told when a topic key gets its first local subscriber and loses its last (a transport's cue). */
export interface RunBusHooks {
  onFirstSubscriber?(topic: RunTopic, id: string): void;
  onLastUnsubscribed?(topic: RunTopic, id: string): void;
}

/** Subscribers of one topic: by key, and those that take every key. */
interface TopicSubs<T> {
  byId: Map<string, Set<AsyncQueue<T>>>;
  all: Set<AsyncQueue<T>>;
}

/** The in-process bus: the default, and the local half of the Redis bus. */
export function createRunBus(hooks: RunBusHooks = {}): RunEventBus {
  const topics: { [K in RunTopic]: TopicSubs<RunTopics[K]> } = {
    'run:event': { byId: new Map(), all: new Set() },
    'run:updated': { byId: new Map(), all: new Set() },
  };

  function subscribe<K extends RunTopic>(topic: K, id?: string): BusSubscription<RunTopics[K]> {
    const subs = topics[topic] as TopicSubs<RunTopics[K]>;
    if (id === undefined) {
      if (topic === 'run:event') throw new Error('run:event subscriptions take a run id');
      const queue: AsyncQueue<RunTopics[K]> = new AsyncQueue(() => subs.all.delete(queue));
      subs.all.add(queue);
      return queue;
    }
    let set = subs.byId.get(id);
    if (!set) {
      set = new Set();
      subs.byId.set(id, set);
      hooks.onFirstSubscriber?.(topic, id);
    }
    const mine = set;
    const queue: AsyncQueue<RunTopics[K]> = new AsyncQueue(() => {
      mine.delete(queue);
      if (mine.size === 0 && subs.byId.get(id) === mine) {
        subs.byId.delete(id);
        hooks.onLastUnsubscribed?.(topic, id);
      }
    });
    mine.add(queue);
    return queue;
  }

  return {
    publish(topic, id, items) {
      const subs = topics[topic] as TopicSubs<(typeof items)[number]>;
      const keyed = subs.byId.size > 0 ? subs.byId.get(id) : undefined;
      if (!keyed && subs.all.size === 0) return;
      for (const item of items) {
        if (keyed) for (const q of keyed) q.push(item);
        for (const q of subs.all) q.push(item);
      }
    },
    subscribe,
    closeAll() {
      for (const subs of Object.values(topics) as TopicSubs<unknown>[]) {
        for (const set of [...subs.byId.values()]) for (const q of [...set]) q.close();
        for (const q of [...subs.all]) q.close();
      }
    },
  };
}
