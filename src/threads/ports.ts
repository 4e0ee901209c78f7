/**
 * The thread service's port: what it needs of storage (src/persistence/prisma-thread-store.ts
 * implements it). Threads are keyed per tenant: `(tenantId, id)`.
 */

export interface ThreadRecord {
  tenantId: string;
  id: string;
  /** seq of the last message appended (0: none yet). */
  lastSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A run on a thread, with the thread's last message seq when it started. */
export interface ThreadRunLink {
  runId: string;
  tenantId: string;
  threadId: string;
  /** The run sees the messages up to this seq: the same after a resume, a fork or a retry. */
  historySeq: number;
}

export interface StoredThreadMessage {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  runId: string | null;
  nodeId: string | null;
  createdAt: Date;
}

export interface NewThreadMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A memory entry's place: a thread's (threadId) or the tenant's (threadId null). */
export interface MemoryPlace {
  tenantId: string;
  threadId: string | null;
}

export interface StoredMemoryEntry {
  key: string;
  value: unknown;
  updatedAt: Date;
}

export interface ThreadStore {
  /**
   * Creates the thread when it does not exist (first use), marks it active, and records the
   * run on it with the thread's lastSeq now. Two first uses at once make one thread.
   */
  join(tenantId: string, threadId: string, runId: string, now: Date): Promise<ThreadRunLink>;
  /** Records `runId` on a thread with a given cut (a fork or retry of a run on it). */
  addLink(link: ThreadRunLink, now: Date): Promise<void>;
  /** The thread a run was started on, or null. */
  link(runId: string): Promise<ThreadRunLink | null>;
  get(tenantId: string, threadId: string): Promise<ThreadRecord | null>;
  /** Creates the thread when it does not exist (its memory set before any run). */
  ensure(tenantId: string, threadId: string, now: Date): Promise<void>;
  /**
   * Messages in seq order: with `upToSeq`, none after it; with `last`, only the last n (of
   * those); with `afterSeq` / `first`, a page forward.
   */
  messages(
    tenantId: string,
    threadId: string,
    range: { upToSeq?: number; last?: number; afterSeq?: number; first?: number },
  ): Promise<StoredThreadMessage[]>;
  /**
   * Appends messages numbered after the thread's lastSeq (one transaction), keyed
   * `<key>:<n>`: false, storing nothing, when `key` was appended already.
   */
  append(
    tenantId: string,
    threadId: string,
    key: string,
    messages: readonly NewThreadMessage[],
    origin: { runId: string | null; nodeId: string | null },
    now: Date,
  ): Promise<boolean>;
  /** Run ids of the thread, newest first. */
  runIds(tenantId: string, threadId: string, limit: number): Promise<string[]>;
  getMemory(place: MemoryPlace, key: string): Promise<StoredMemoryEntry | null>;
  /** Sets an entry; false (nothing stored) when the key is new and the place holds `maxEntries`. */
  setMemory(
    place: MemoryPlace,
    key: string,
    value: unknown,
    now: Date,
    maxEntries: number,
  ): Promise<boolean>;
  deleteMemory(place: MemoryPlace, key: string): Promise<boolean>;
  listMemory(place: MemoryPlace): Promise<StoredMemoryEntry[]>;
  /**
   * Deletes the threads idle since before `cutoff` none of whose runs is left (their messages,
   * memory and run links go with them), looking at `limit` threads per batch; returns how many.
   */
  expire(cutoff: Date, limit: number): Promise<number>;
}
