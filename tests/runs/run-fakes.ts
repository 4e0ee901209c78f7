/**
 * Small fakes and event builders shared by the run-layer unit tests (tests/runs/*.test.ts).
 * The fakes implement only what the code under test uses, so a test controls every await.
 */
import type { RunEvent } from '../../src/engine/index.js';
import type { RunRecord, RunStatus, RunStore } from '../../src/runs/ports.js';

export const T0 = 1_700_000_000_000;

export const started = (runId: string, seq = 1): RunEvent => ({
  runId,
  seq,
  at: T0 + seq,
  type: 'RUN_STARTED',
  data: { input: {}, state: {} },
});

export const log = (runId: string, seq: number): RunEvent => ({
  runId,
  seq,
  at: T0 + seq,
  type: 'LOG',
  data: { level: 'info', message: `event ${seq}` },
});

export const succeeded = (runId: string, seq: number): RunEvent => ({
  runId,
  seq,
  at: T0 + seq,
  type: 'RUN_SUCCEEDED',
  data: { state: { done: seq } },
});

/** RUN_STARTED, LOGs, and RUN_SUCCEEDED as the last of `n` events. */
export function timeline(runId: string, n: number): RunEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const seq = i + 1;
    if (seq === 1) return started(runId);
    return seq === n ? succeeded(runId, seq) : log(runId, seq);
  });
}

export const seqs = (events: readonly RunEvent[]) => events.map((e) => e.seq);

export function record(id: string, status: RunStatus, lastSeq = 0): RunRecord {
  return {
    id,
    tenantId: 'default',
    graphId: 'g',
    graphVersionId: 'v',
    status,
    input: {},
    state: null,
    error: null,
    lastSeq,
    createdAt: new Date(T0),
    startedAt: null,
    finishedAt: null,
  };
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An in-memory run store with only what the event stream reads (getRun, listEvents). Hooks run
 * inside those calls so a test can append or publish events at an exact point of the stream.
 */
export class MemoryRunStore {
  readonly runs = new Map<string, RunRecord>();
  readonly events = new Map<string, RunEvent[]>();
  listCalls = 0;
  getRunCalls = 0;
  /** Awaited inside getRun before it answers. */
  beforeGetRun: (() => Promise<void> | void) | null = null;
  /** Awaited inside listEvents before it reads (what it appends is in the answer). */
  beforeList: (() => Promise<void> | void) | null = null;
  /** Awaited inside listEvents after it read (what it appends is not in the answer). */
  afterList: (() => Promise<void> | void) | null = null;

  asStore(): RunStore {
    return this as unknown as RunStore;
  }

  addRun(id: string, status: RunStatus): void {
    this.runs.set(id, record(id, status));
    if (!this.events.has(id)) this.events.set(id, []);
  }

  setStatus(id: string, status: RunStatus): void {
    const run = this.runs.get(id);
    if (run) run.status = status;
  }

  append(...events: RunEvent[]): void {
    for (const e of events) {
      const list = this.events.get(e.runId) ?? [];
      list.push(e);
      this.events.set(e.runId, list);
    }
  }

  async getRun(id: string): Promise<RunRecord | null> {
    this.getRunCalls++;
    await this.beforeGetRun?.();
    const run = this.runs.get(id);
    return run ? { ...run } : null;
  }

  async listEvents(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    this.listCalls++;
    await this.beforeList?.();
    const page = (this.events.get(runId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
    await this.afterList?.();
    return page;
  }
}

/**
 * Drains an async iterator into an array, failing (instead of hanging the suite) when it has
 * not ended within `ms`. `onEach` runs after each item (to publish more at a given point).
 */
export async function collect<T>(
  it: AsyncIterator<T>,
  opts: { ms?: number; onEach?: (item: T, index: number) => Promise<void> | void } = {},
): Promise<T[]> {
  const items: T[] = [];
  const deadline = Date.now() + (opts.ms ?? 2_000);
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') {
      void it.return?.(undefined);
      throw new Error(`iterator still open after ${opts.ms ?? 2_000} ms; got ${items.length}`);
    }
    if (next.done) return items;
    items.push(next.value);
    await opts.onEach?.(next.value, items.length - 1);
  }
}
