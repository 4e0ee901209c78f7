import {
  type CompiledGraph,
  type EventSink,
  executeRun,
  type PauseReason,
  type RunBudget,
  type RunControlSlot,
  type RunControls,
  type RunEvent,
  type RunInbox,
  type State,
  type ToolServices,
} from '../engine/index.js';
import type { Logger } from '../logger.js';

/** The abort reason of runs a stopping server hands over (they resume; nothing is cancelled). */
export const SHUTDOWN_REASON = 'server shutting down';

export interface Job {
  runId: string;
  graphId: string;
  graph: CompiledGraph;
  input: State;
  /** Stored events when resuming; empty for a new run. */
  history: RunEvent[];
  /** Answers to the run's interrupts reach its executor here (set by the run service). */
  inbox?: RunInbox;
  /** A new run's own budget (recorded in its RUN_STARTED). */
  budget?: RunBudget;
  /** Execute it cancelled (a WAITING run cancelled: its end is recorded from its log). */
  cancelReason?: string;
  /** ctx.thread / ctx.memory of its tools (set by the run service). */
  services?: ToolServices;
  /** Execute it paused: it pauses as soon as it begins (pauseRun before it started, RECOVERY=paused). */
  pauseReason?: PauseReason;
}

/** The job a run is queued with, in one fixed shape (a spread copy gets a hidden class of its own). */
export function jobWith(
  job: Job,
  inbox: RunInbox | undefined,
  services: ToolServices | undefined,
): Job {
  return {
    runId: job.runId,
    graphId: job.graphId,
    graph: job.graph,
    input: job.input,
    history: job.history,
    inbox,
    budget: job.budget,
    cancelReason: job.cancelReason,
    services,
    pauseReason: job.pauseReason,
  };
}

/**
 * An executing run's cancel and pause (the executor attaches them as the run begins): no
 * AbortController pair per run, which cost ~2 KB each with 10,000 runs executing.
 */
class Executing implements RunControlSlot {
  private run: RunControls | undefined = undefined;

  attach(run: RunControls): void {
    this.run = run;
  }

  cancel(reason: string): void {
    this.run?.cancel(reason);
  }

  pause(reason: PauseReason): void {
    this.run?.pause(reason);
  }
}

/**
 * The runs this process executes: at most `maxConcurrent` at once, the rest waiting in order.
 * Each executing run can be cancelled (cancel, shutdown) or paused at its next node boundary.
 */
export class RunPool {
  private readonly active = new Map<string, Executing>();
  private readonly queue: Job[] = [];
  private head = 0;
  private accepting = true;
  /** A pump is scheduled: one per burst of enqueues, not one immediate (and closure) per job. */
  private pumping = false;

  constructor(
    private readonly sink: EventSink & { untrack(runId: string): void },
    private readonly logger: Logger,
    private readonly maxConcurrent: number,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }

  get queuedCount(): number {
    return this.queue.length - this.head;
  }

  /** Queues a job; it starts on a later tick, never inside the caller. */
  enqueue(job: Job): void {
    this.queue.push(job);
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(pumpLater, this);
  }

  isRunning(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts an executing run; false when it is not executing here. */
  abort(runId: string, reason: string): boolean {
    const run = this.active.get(runId);
    run?.cancel(reason);
    return run !== undefined;
  }

  /**
   * Pauses a run executing here at its next node boundary, or a queued one as soon as it
   * begins; false when it is not here.
   */
  pause(runId: string, reason: PauseReason): boolean {
    const run = this.active.get(runId);
    if (run) {
      run.pause(reason);
      return true;
    }
    const job = this.queue.find((j, i) => i >= this.head && j.runId === runId);
    if (job) job.pauseReason = reason;
    return job !== undefined;
  }

  /** Takes a run out of the queue before it started. */
  dequeue(runId: string): Job | undefined {
    const index = this.queue.findIndex((j, i) => i >= this.head && j.runId === runId);
    if (index < 0) return undefined;
    const job = this.queue.splice(index, 1)[0];
    job?.inbox?.close();
    return job;
  }

  /** Takes out of the queue every job `which` selects (before they started). */
  dequeueWhere(which: (job: Job) => boolean): Job[] {
    const taken: Job[] = [];
    for (let i = this.queue.length - 1; i >= this.head; i--) {
      const job = this.queue[i] as Job;
      if (!which(job)) continue;
      this.queue.splice(i, 1);
      job.inbox?.close();
      taken.unshift(job);
    }
    return taken;
  }

  /** Stops starting queued runs; waits up to graceMs for executing ones to end. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  }

  abortAll(reason: string): void {
    for (const run of this.active.values()) run.cancel(reason);
  }

  /** The scheduled pump (enqueue's immediate). */
  pumpNow(): void {
    this.pumping = false;
    this.pump();
  }

  private pump(): void {
    while (
      this.accepting &&
      this.active.size < this.maxConcurrent &&
      this.head < this.queue.length
    ) {
      const job = this.queue[this.head++] as Job;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      void this.execute(job);
    }
  }

  private async execute(job: Job): Promise<void> {
    const run = new Executing();
    this.active.set(job.runId, run);
    try {
      await executeRun({
        runId: job.runId,
        graph: job.graph,
        input: job.input,
        sink: this.sink,
        history: job.history,
        controls: run,
        // Cancelled or paused before it began: it begins that way (signals only for these).
        ...(job.cancelReason !== undefined ? { signal: AbortSignal.abort(job.cancelReason) } : {}),
        ...(job.pauseReason !== undefined ? { pause: AbortSignal.abort(job.pauseReason) } : {}),
        ...(job.inbox ? { inbox: job.inbox } : {}),
        ...(job.budget ? { budget: job.budget } : {}),
        ...(job.services ? { services: job.services } : {}),
      });
    } catch (err) {
      this.logger.error('run executor crashed', { runId: job.runId, err });
    } finally {
      job.inbox?.close();
      this.active.delete(job.runId);
      this.sink.untrack(job.runId);
      this.pump();
    }
  }
}

function pumpLater(pool: RunPool): void {
  pool.pumpNow();
}
