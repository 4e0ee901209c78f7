/**
 * Threads: the runs of one conversation (or one user), the messages their llm and agent nodes
 * append, and a small key-value memory per thread and per tenant. Thread ids are the client's,
 * per tenant (another tenant's `t1` is another thread); a new id creates the thread on first use.
 * The API reads and edits them here; runs reach them through `servicesFor` (ctx.thread,
 * ctx.memory); retention removes idle threads whose runs are all gone.
 */
import type { ToolServices } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { checkMemoryEntry, checkMemoryKey, checkThreadId, MAX_MEMORY_ENTRIES } from './checks.js';
import type {
  MemoryPlace,
  StoredMemoryEntry,
  StoredThreadMessage,
  ThreadRecord,
  ThreadRunLink,
  ThreadStore,
} from './ports.js';
import { createRunServices, type RunRef, resolveLink } from './run-services.js';

const DAY_MS = 86_400_000;

export interface ThreadServiceOptions {
  store: ThreadStore;
  /** MAX_VALUE_BYTES: the largest memory value. */
  maxValueBytes: number;
  /** A run's record (for the fork chain); null when it does not exist. */
  runOf(runId: string): Promise<RunRef | null>;
  now?: () => Date;
}

export function createThreadService(o: ThreadServiceOptions) {
  const now = o.now ?? (() => new Date());
  const deps = { store: o.store, maxValueBytes: o.maxValueBytes, parentOf: o.runOf, now };

  async function place(tenantId: string, threadId: string | null): Promise<MemoryPlace> {
    if (threadId === null) return { tenantId, threadId: null };
    checkThreadId(threadId);
    return { tenantId, threadId };
  }

  return {
    checkThreadId,

    /** startRun(threadId): the thread (created on first use) records the new run and its cut. */
    join: (tenantId: string, threadId: string, runId: string): Promise<ThreadRunLink> =>
      o.store.join(tenantId, checkThreadId(threadId), runId, now()),

    /** A fork or retry of a run on a thread joins it with its source's cut. */
    async inherit(run: RunRef): Promise<void> {
      const link = await resolveLink(deps, run);
      if (link && link.runId !== run.id) await o.store.addLink({ ...link, runId: run.id }, now());
    },

    /** The thread of a run (null: none). */
    threadOf: async (run: RunRef): Promise<string | null> =>
      (await resolveLink(deps, run))?.threadId ?? null,

    /** null for an id the tenant has no thread of (another tenant's included). */
    get: (tenantId: string, threadId: string): Promise<ThreadRecord | null> =>
      o.store.get(tenantId, checkThreadId(threadId)),

    messages: (
      thread: ThreadRecord,
      page: { afterSeq?: number; upToSeq?: number; first?: number; last?: number },
    ): Promise<StoredThreadMessage[]> => o.store.messages(thread.tenantId, thread.id, page),

    runIds: (thread: ThreadRecord, limit: number): Promise<string[]> =>
      o.store.runIds(thread.tenantId, thread.id, limit),

    /** A thread's memory (threadId) or the tenant's (null). */
    async listMemory(tenantId: string, threadId: string | null): Promise<StoredMemoryEntry[]> {
      return o.store.listMemory(await place(tenantId, threadId));
    },

    /** Sets an entry; a thread that does not exist yet is created (memory before the first run). */
    async setMemory(
      tenantId: string,
      threadId: string | null,
      key: string,
      value: unknown,
    ): Promise<StoredMemoryEntry> {
      checkMemoryEntry(key, value, o.maxValueBytes);
      const at = now();
      const where = await place(tenantId, threadId);
      if (where.threadId !== null) await o.store.ensure(tenantId, where.threadId, at);
      if (!(await o.store.setMemory(where, key, value, at, MAX_MEMORY_ENTRIES)))
        throw new AppError(
          'MEMORY_FULL',
          `This ${threadId === null ? 'tenant' : 'thread'} already holds ${MAX_MEMORY_ENTRIES} memory entries; delete some first.`,
        );
      return { key, value, updatedAt: at };
    },

    /** False when there was no such entry. */
    async deleteMemory(tenantId: string, threadId: string | null, key: string): Promise<boolean> {
      checkMemoryKey(key);
      const where = await place(tenantId, threadId);
      if (where.threadId !== null && !(await o.store.get(tenantId, where.threadId)))
        throw notFound('Thread', where.threadId);
      return o.store.deleteMemory(where, key);
    },

    /** ctx.thread and ctx.memory of a run. */
    servicesFor: (run: RunRef): ToolServices => createRunServices(deps, run),

    /**
     * The retention pass over threads: idle for `days` (no run started, message appended or
     * memory set) and none of their runs left; 0 keeps them forever. Returns how many went.
     */
    async expire(days: number, batch: number, at = now()): Promise<number> {
      if (!(days > 0)) return 0;
      return o.store.expire(new Date(at.getTime() - days * DAY_MS), Math.max(1, batch));
    },
  };
}

export type ThreadService = ReturnType<typeof createThreadService>;
