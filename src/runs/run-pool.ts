import {
  type CompiledGraph,
  type EventSink,
  executeRun,
  type PauseReason,
  type RunBudget,
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

/**
 * The runs this process executes: at most `maxConcurrent` at once, the rest waiting in order.
 * Each executing run has an AbortController (cancel, shutdown).
 */
export class RunPool {
  private readonly active = new Map<string, AbortController>();
  /** Per executing run: aborted to pause it at its next node boundary. */
  private readonly pauses = new Map<string, AbortController>();
  private readonly queue: Job[] = [];
  private head = 0;
  private accepting = true;

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
    setImmediate(() => this.pump());
  }

  isRunning(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts an executing run; false when it is not executing here. */
  abort(runId: string, reason: string): boolean {
    const controller = this.active.get(runId);
    controller?.abort(reason);
    return controller !== undefined;
  }

  /**
   * Pauses a run executing here at its next node boundary, or a queued one as soon as it
   * begins; false when it is not here.
   */
  pause(runId: string, reason: PauseReason): boolean {
    const controller = this.pauses.get(runId);
    if (controller) {
      controller.abort(reason);
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
    for (const controller of this.active.values()) controller.abort(reason);
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
    const controller = new AbortController();
    if (job.cancelReason !== undefined) controller.abort(job.cancelReason);
    const pause = new AbortController();
    if (job.pauseReason !== undefined) pause.abort(job.pauseReason);
    this.active.set(job.runId, controller);
    this.pauses.set(job.runId, pause);
    try {
      await executeRun({
        runId: job.runId,
        graph: job.graph,
        input: job.input,
        sink: this.sink,
        history: job.history,
        signal: controller.signal,
        pause: pause.signal,
        ...(job.inbox ? { inbox: job.inbox } : {}),
        ...(job.budget ? { budget: job.budget } : {}),
        ...(job.services ? { services: job.services } : {}),
      });
    } catch (err) {
      this.logger.error('run executor crashed', { runId: job.runId, err });
    } finally {
      job.inbox?.close();
      this.active.delete(job.runId);
      this.pauses.delete(job.runId);
      this.sink.untrack(job.runId);
      this.pump();
    }
  }
}
