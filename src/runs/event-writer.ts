import type { EventSink, RunEvent } from '../engine/index.js';
import type { Redactor } from '../redaction.js';
import { BatchBuilder } from './batch-builder.js';
import type { RunObserver } from './observer.js';
import type { CommitBatch, CommitResult, NewRun, RunStore } from './ports.js';

export interface EventWriterOptions {
  store: RunStore;
  /** The process: only runs it owns are written (see RunStore.commit). */
  owner: string;
  /**
   * Called after each commit, in commit order, with what was stored: publish only that. `lost`
   * runs belong to another process now; their events were not stored and no longer will be.
   */
  onCommitted(batch: CommitBatch, lost: readonly string[]): void;
  /** A commit failed for good: its runs' events are dropped from here on (see `stopStoring`). */
  onError(err: unknown, batch: CommitBatch): void;
  /** Flush at once when this many events wait (otherwise at the end of the current tick). */
  maxBatch?: number;
  /** Removes secrets from errors and log messages before events are stored (and so streamed). */
  redactor?: Redactor;
  /** A run whose creation was abandoned (see `abandon`) was stored anyway: undo it. */
  onAbandonedStored?(runId: string): void;
  /** Metrics and traces (see observer.ts). */
  observer?: RunObserver;
}

/** How long a commit is retried while the database reports another process's lock. */
const BUSY_RETRY_MS = 30_000;

/** SQLite's "another connection holds the lock" (SQLITE_BUSY / SQLITE_LOCKED). */
export function isBusy(err: unknown): boolean {
  const text = `${(err as { code?: unknown })?.code ?? ''} ${(err as Error)?.message ?? ''}`;
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(text);
}

/** The event with secrets removed from what a tool's error, log line or custom event may carry. */
export function redactEvent(redactor: Redactor, e: RunEvent): RunEvent {
  switch (e.type) {
    case 'NODE_FAILED':
    case 'NODE_RETRYING':
    case 'RUN_FAILED': {
      const error = redactor.value(e.data.error);
      return error === e.data.error ? e : ({ ...e, data: { ...e.data, error } } as RunEvent);
    }
    case 'LOG': {
      const message = redactor.text(e.data.message);
      const fields = redactor.value(e.data.fields);
      return message === e.data.message && fields === e.data.fields
        ? e
        : { ...e, data: { ...e.data, message, ...(fields !== undefined ? { fields } : {}) } };
    }
    case 'CUSTOM': {
      // Progress a tool emits (an llm node's streamed text) is as public as its log lines.
      if (e.data.payload === undefined) return e;
      const payload = redactor.value(e.data.payload);
      return payload === e.data.payload ? e : { ...e, data: { ...e.data, payload } };
    }
    default:
      return e;
  }
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
  /** Runs whose events are ignored: their log must stay a prefix until they are resumed. */
  private readonly notStored = new Set<string>();

  constructor(private readonly opts: EventWriterOptions) {
    this.maxBatch = opts.maxBatch ?? 5_000;
  }

  emit(event: RunEvent): void {
    if (this.stopped || (this.notStored.size > 0 && this.notStored.has(event.runId))) return;
    const redacted = this.opts.redactor ? redactEvent(this.opts.redactor, event) : event;
    this.builder.add(this.opts.observer?.event ? this.opts.observer.event(redacted) : redacted);
    this.schedule();
  }

  /** Inserts a run with the next group commit; resolves once it is stored. */
  createRun(run: NewRun): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('event writer stopped'));
    this.opts.observer?.created?.(run);
    this.builder.addRun(run);
    const stored = new Promise<void>((resolve, reject) =>
      this.batchWaiters.push({ resolve, reject }),
    );
    this.schedule();
    return stored;
  }

  /**
   * Gives up creating a run (its caller stopped waiting): taken out of the batch being built
   * when it is still there (true: it will never be stored); otherwise it is in a commit under
   * way, and `onAbandonedStored` is called if that commit stores it.
   */
  abandon(runId: string): boolean {
    if (this.builder.removeRun(runId)) return true;
    this.abandoned.add(runId);
    return false;
  }

  private readonly abandoned = new Set<string>();

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

  untrack(runId: string): void {
    this.builder.untrack(runId);
  }

  /** Resolves when everything emitted so far is stored (or failed). */
  idle(): Promise<void> {
    if (!this.flushing && this.builder.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Ignores the run's events from now on, buffered ones included: after a failed or fenced
   * commit, storing later events would leave a gap in its log. `resumeStoring` before resuming it.
   */
  stopStoring(runId: string): void {
    this.notStored.add(runId);
    this.builder.untrack(runId);
  }

  resumeStoring(runId: string): void {
    this.notStored.delete(runId);
  }

  /** Stores what is buffered, then ignores further events (shutdown). */
  async stop(): Promise<void> {
    await this.idle();
    this.stopped = true;
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const run = async () => {
      // Start on a later microtask: `flushing` is always set before the loop can clear it
      // (with nothing to write, clearing it first left a settled promise there for good, and
      // no event was ever written again).
      await Promise.resolve();
      try {
        while (this.builder.size > 0) await this.commitNext();
      } finally {
        this.flushing = null;
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
        // Whatever arrived during the last commit and found us flushing still needs a flush.
        if (this.builder.size > 0) this.schedule();
      }
    };
    this.flushing = run();
    return this.flushing;
  }

  private async commitNext(): Promise<void> {
    const batch = this.withoutDropped(this.builder.take());
    const waiters = this.batchWaiters;
    this.batchWaiters = [];
    const began = performance.now();
    try {
      const { lost } = await this.commitWithRetry(batch);
      this.opts.observer?.flushed?.(batch, performance.now() - began);
      for (const w of waiters) w.resolve();
      if (this.abandoned.size > 0) this.settleAbandoned(batch, true);
      if (lost.length === 0) this.opts.onCommitted(batch, lost);
      else {
        for (const runId of lost) this.stopStoring(runId);
        this.opts.onCommitted(this.withoutDropped(batch), lost);
      }
    } catch (err) {
      if (this.abandoned.size > 0) this.settleAbandoned(batch, false);
      this.opts.observer?.flushed?.(batch, performance.now() - began, err);
      for (const w of waiters) w.reject(err);
      this.opts.onError(err, batch);
    }
  }

  private settleAbandoned(batch: CommitBatch, stored: boolean): void {
    for (const run of batch.created) {
      if (!this.abandoned.delete(run.id)) continue;
      if (stored) this.opts.onAbandonedStored?.(run.id);
    }
  }

  private withoutDropped(batch: CommitBatch): CommitBatch {
    if (this.notStored.size === 0) return batch;
    const keep = (runId: string) => !this.notStored.has(runId);
    return {
      created: batch.created,
      events: batch.events.filter((e) => keep(e.runId)),
      nodes: batch.nodes.filter((n) => keep(n.runId)),
      runs: batch.runs.filter((r) => keep(r.id)),
    };
  }

  private async commitWithRetry(batch: CommitBatch): Promise<CommitResult> {
    const busyUntil = Date.now() + BUSY_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.opts.store.commit(batch, this.opts.owner);
      } catch (err) {
        // Another process holds the SQLite file: wait for it here, asynchronously (the driver's
        // own busy wait would stop the event loop), for as long as a lock plausibly lasts.
        const busy = isBusy(err) && Date.now() < busyUntil;
        if (attempt >= 3 && !busy) throw err;
        await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 500)));
      }
    }
  }
}
