/**
 * `ctx.thread` and `ctx.memory` for one run: the engine's ToolThread / ToolMemory ports over the
 * thread store. The run's thread is looked up once, on first use: its own link, else (a fork or
 * retry started before its link was copied) the link of the run it was made from, so it sees
 * the same history as its source.
 */
import type {
  MemoryScope,
  ThreadMessage,
  ToolMemory,
  ToolServices,
  ToolThread,
} from '../engine/index.js';
import {
  checkToolMemoryEntry,
  checkToolMemoryKey,
  MAX_MEMORY_ENTRIES,
  notRetried,
} from './checks.js';
import type { MemoryPlace, ThreadRunLink, ThreadStore } from './ports.js';

/** What the services need to know of the run (a RunRecord has it). */
export interface RunRef {
  id: string;
  tenantId: string;
  parentRunId?: string | null;
  origin?: string | null;
}

/** The most runs a fork chain is followed back through to find its thread. */
const MAX_CHAIN = 16;

export interface RunServicesDeps {
  store: ThreadStore;
  maxValueBytes: number;
  /** The run a fork or retry was made from (its record), to follow the chain. */
  parentOf(runId: string): Promise<RunRef | null>;
  now?: () => Date;
}

/** The thread link of a run: its own, or that of the run it was forked or retried from. */
export async function resolveLink(
  deps: RunServicesDeps,
  run: RunRef,
): Promise<ThreadRunLink | null> {
  let current: RunRef | null = run;
  for (let i = 0; current && i < MAX_CHAIN; i++) {
    const link = await deps.store.link(current.id);
    if (link) return link;
    if (current.origin !== 'FORK' && current.origin !== 'RETRY') return null;
    if (!current.parentRunId) return null;
    current = await deps.parentOf(current.parentRunId);
  }
  return null;
}

export function createRunServices(deps: RunServicesDeps, run: RunRef): ToolServices {
  const now = deps.now ?? (() => new Date());
  let linked: Promise<ThreadRunLink | null> | undefined;
  const link = () => {
    linked ??= resolveLink(deps, run).catch((err: unknown) => {
      linked = undefined; // a database hiccup: the next call asks again
      throw err;
    });
    return linked;
  };

  const thread: ToolThread = {
    id: async () => (await link())?.threadId ?? null,
    async history(window) {
      const l = await link();
      if (!l || !(window > 0)) return [];
      const rows = await deps.store.messages(l.tenantId, l.threadId, {
        upToSeq: l.historySeq,
        last: Math.floor(window),
      });
      return rows.map((m): ThreadMessage => ({ seq: m.seq, role: m.role, content: m.content }));
    },
    async append(key, messages, nodeId) {
      const l = await link();
      if (!l || messages.length === 0) return false;
      return deps.store.append(
        l.tenantId,
        l.threadId,
        key,
        messages.map((m) => ({ role: m.role, content: m.content })),
        { runId: run.id, nodeId: nodeId ?? null },
        now(),
      );
    },
  };

  async function place(scope: MemoryScope = 'thread'): Promise<MemoryPlace> {
    if (scope === 'tenant') return { tenantId: run.tenantId, threadId: null };
    if (scope !== 'thread')
      throw notRetried('INVALID_INPUT', `ctx.memory: scope must be "thread" or "tenant"`);
    const l = await link();
    if (!l)
      throw notRetried(
        'NO_THREAD',
        'ctx.memory: this run has no thread; start it with a threadId, or use scope "tenant"',
      );
    return { tenantId: l.tenantId, threadId: l.threadId };
  }

  const memory: ToolMemory = {
    async get(key, scope) {
      checkToolMemoryKey(key);
      return (await deps.store.getMemory(await place(scope), key))?.value;
    },
    async set(key, value, scope) {
      checkToolMemoryEntry(key, value, deps.maxValueBytes);
      const stored = await deps.store.setMemory(
        await place(scope),
        key,
        value,
        now(),
        MAX_MEMORY_ENTRIES,
      );
      if (!stored)
        throw notRetried(
          'MEMORY_FULL',
          `ctx.memory: this ${scope ?? 'thread'} already holds ${MAX_MEMORY_ENTRIES} entries; delete some first`,
        );
    },
    async delete(key, scope) {
      checkToolMemoryKey(key);
      return deps.store.deleteMemory(await place(scope), key);
    },
    list: async (scope) => deps.store.listMemory(await place(scope)),
  };

  return { thread, memory };
}
