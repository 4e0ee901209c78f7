import type { EventSink, RunEvent } from '../engine/index.js';
import { BatchBuilder } from './batch-builder.js';
import type { CommitBatch, NewRun, RunStore } from './types.js';

export interface EventWriterOptions {
  store: RunStore;
  /** Called after each commit, in commit order: publish only what is stored. */
  onCommitted(batch: CommitBatch): void;
  onError(err: unknown, batch: CommitBatch): void;
  /** Flush at once when this many events wait (otherwise at the end of the current tick). */
  maxBatch?: number;
}

/**
 * Group commit: events from every run are buffered and written in one transaction per flush.
 * At most one flush is in flight; whatever arrives meanwhile forms the next batch, so under load
 * batches grow and the cost per event falls. Flushes happen in order, so the stored log of each
 * run is always a prefix of what its executor emitted: what resume needs.
 */
export class EventWriter implements EventSink {
  private readonly builder = new BatchBuilder();
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  /** Callers waiting for the batch being built to be stored. */
  private batchWaiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private readonly maxBatch: number;

  constructor(private readonly opts: EventWriterOptions) {
    this.maxBatch = opts.maxBatch ?? 5_000;
  }

  emit(event: RunEvent): void {
    if (this.stopped) return;
    this.builder.add(event);
    this.schedule();
  }

  /** Inserts a run with the next group commit; resolves once it is stored. */
  createRun(run: NewRun): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('event writer stopped'));
    this.builder.addRun(run);
    const stored = new Promise<void>((resolve, reject) =>
      this.batchWaiters.push({ resolve, reject }),
    );
    this.schedule();
    return stored;
  }

  private schedule(): void {
    if (this.flushing) return;
    if (this.builder.size >= this.maxBatch) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (!this.flushing) void this.flush();
      });
    }
  }

  /** Events waiting to be stored. */
  get pending(): number {
    return this.builder.size;
  }

  forget(runId: string): void {
    this.builder.forget(runId);
  }

  /** Resolves when everything emitted so far is stored (or failed). */
  idle(): Promise<void> {
    if (!this.flushing && this.builder.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stores what is buffered, then ignores further events (shutdown). */
  async stop(): Promise<void> {
    await this.idle();
    this.stopped = true;
  }

  private flush(): Promise<void> {
    const run = async () => {
      while (this.builder.size > 0) {
        const batch = this.builder.take();
        const waiters = this.batchWaiters;
        this.batchWaiters = [];
        try {
          await this.commitWithRetry(batch);
          for (const w of waiters) w.resolve();
          this.opts.onCommitted(batch);
        } catch (err) {
          for (const w of waiters) w.reject(err);
          this.opts.onError(err, batch);
        }
      }
      this.flushing = null;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    };
    this.flushing = run();
    return this.flushing;
  }

  private async commitWithRetry(batch: CommitBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.opts.store.commit(batch);
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }
}
