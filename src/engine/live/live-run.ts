/**
 * The live loop of one run: decide -> emit -> apply. `pump` drains the checkpoint's agenda
 * (starting every ready node before settling any synchronous result, so fan-out branches start
 * together), settles results, and ends the run when nothing is active. Async tools re-enter it
 * when they settle; nothing awaits a tool that returned a plain value. Helpers see the run only
 * through RunLoop (run-loop.ts).
 */
import type { ErrorInfo } from '../errors.js';
import type { MapItemEvent, PauseReason, RunEvent } from '../events.js';
import type { RunCheckpoint } from '../fold/checkpoint.js';
import { AgendaSkip, type Execution, ExecutionStatus, Outcome } from '../fold/execution.js';
import { applyEvent } from '../fold/fold.js';
import { recordSkip, startAttempt } from './attempt.js';
import { sliceSpent } from './fairness.js';
import {
  armInterrupts,
  type InterruptRequestData,
  recordInterrupt,
  resumeSuspended,
  shouldSuspend,
  suspendRun,
  takeAnswers,
  timeOutInterrupt,
} from './interrupts.js';
import { failAttempt, succeedNode } from './outcomes.js';
import { canPause, pauseReasonOf, pauseRun, unpauseLog } from './pause.js';
import { finishRun, succeedRun } from './run-end.js';
import { describeStop, type Stop } from './run-errors.js';
import type { LivePorts, RunControls, RunLoop, RunResult } from './run-loop.js';
import type { MapItemData, ToolEventData } from './tool-context.js';
import { checkBudget, itemEvent, nodeEvent, recordStep } from './tool-host.js';

export type { LivePorts } from './run-loop.js';

const { RUNNING, WAITING } = ExecutionStatus;

/**
 * Settlements a run may make before it looks at the slice clock (then every 16th): every run
 * progresses between two yields, a small graph of synchronous tools still completes before
 * executeRun returns, and short runs never read the clock.
 */
const MIN_SETTLEMENTS = 32;

export class LiveRun implements RunLoop, RunControls {
  readonly runId: string;
  readonly promise: Promise<RunResult>;
  /** Set once the run must stop (cancel or failure); `pump` ends the run at its next turn. */
  private stop: Stop | undefined = undefined;
  /** Set once a pause is asked for: nothing new starts; the run pauses when nothing runs. */
  private pausing: PauseReason | undefined = undefined;
  private onPause: (() => void) | undefined = undefined;
  private resolve!: (result: RunResult) => void;
  private reject!: (err: unknown) => void;
  private busy = false;
  private done = false;
  private yielded = false;
  /** Settlements since the run started or last yielded (see MIN_SETTLEMENTS). */
  private sinceYield = 0;
  /** Attempts with a queued outcome, settled in order by `pump` (head index, no shift()). */
  private settled: Execution[] = [];
  private settledHead = 0;
  private deadline = 0;
  private runTimer: ReturnType<typeof setTimeout> | undefined;
  private onAbort: (() => void) | undefined = undefined;
  /** Made on first use: most runs never ask a person. */
  private timers: Map<string, ReturnType<typeof setTimeout>> | undefined = undefined;

  constructor(
    readonly cp: RunCheckpoint,
    readonly ports: LivePorts,
  ) {
    this.runId = cp.runId;
    this.promise = new Promise<RunResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The application's services for this run's tools (ToolHost). */
  get services(): LivePorts['services'] {
    return this.ports.services;
  }

  get interruptTimers(): Map<string, ReturnType<typeof setTimeout>> {
    this.timers ??= new Map();
    return this.timers;
  }

  emit(event: RunEvent, exec?: Execution, planned?: boolean): void {
    this.ports.sink.emit(event);
    applyEvent(this.cp, event, exec, planned);
  }

  /**
   * Arms cancellation and the run deadline, then runs until the first await. `resumeStop`: a
   * stop a resumed log was recording (replay found it), finished before anything starts.
   */
  begin(resumeStop?: Stop): void {
    this.stop = resumeStop;
    if (this.cp.suspended) resumeSuspended(this);
    if (this.cp.paused) unpauseLog(this);
    const { signal, pause } = this.ports;
    if (pause?.aborted) this.pausing = pauseReasonOf(pause);
    else if (pause !== undefined) {
      this.onPause = () => this.pause(pauseReasonOf(pause));
      pause.addEventListener('abort', this.onPause, { once: true });
    }
    const maxMs = this.cp.info.maxDurationMs;
    if (maxMs > 0) {
      this.deadline = this.cp.startedAt + maxMs;
      const wait = Math.max(0, this.deadline - this.ports.now());
      this.runTimer = setTimeout(runTimedOut, wait, this);
    }
    if (signal?.aborted) this.stop ??= cancelStop(signal);
    else if (signal !== undefined) {
      this.onAbort = () => this.cancel();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.ports.controls?.attach(this);
    const inbox = this.ports.inbox;
    if (this.stop === undefined && this.pausing === undefined) {
      if (this.cp.awaitingInput > 0) armInterrupts(this);
      inbox?.open(() => this.outside(() => takeAnswers(this)));
      takeAnswers(this);
    }
    this.pump();
  }

  /** Cancels the run (RUN_CANCELLED); `reason`, else the signal's, is recorded. */
  cancel(reason?: string): void {
    if (this.done) return;
    this.stop ??= reason === undefined ? cancelStop(this.ports.signal) : { kind: 'cancel', reason };
    this.pump();
  }

  /** Stops the run at its next node boundary (pause.ts); a stop (cancel, failure) still wins. */
  pause(reason: PauseReason): void {
    if (this.done) return;
    this.pausing ??= reason;
    this.pump();
  }

  timedOut(): void {
    if (this.done) return;
    this.stop ??= { kind: 'fail', error: describeStop(this.cp, 'RUN_TIMEOUT') };
    this.pump();
  }

  /** A failure is final (NODE_FAILED is in the log), so it replaces a cancel not yet recorded. */
  failRun(error: ErrorInfo): void {
    this.stop = { kind: 'fail', error };
  }

  pump(): void {
    if (this.busy || this.done) return;
    this.busy = true;
    try {
      for (;;) {
        if (this.stop !== undefined) {
          finishRun(this, this.stop);
          return;
        }
        const item = this.pausing === undefined ? this.cp.peek() : undefined;
        if (item !== undefined) {
          if (item instanceof AgendaSkip) this.skip(item);
          else this.start(item);
          continue;
        }
        if (this.settledHead === this.settled.length) break;
        if (++this.sinceYield >= MIN_SETTLEMENTS && (this.sinceYield & 15) === 0 && sliceSpent()) {
          this.yieldLater();
          return;
        }
        const exec = this.settled[this.settledHead]!;
        this.settled[this.settledHead++] = undefined as unknown as Execution;
        if (this.settledHead === this.settled.length && this.settledHead >= 16) {
          this.settled = [];
          this.settledHead = 0;
        }
        this.settle(exec);
      }
      if (this.cp.activeTotal === 0) succeedRun(this);
      else if (this.stop !== undefined) return;
      else if (this.pausing !== undefined) {
        if (canPause(this)) pauseRun(this, this.pausing);
      } else if (shouldSuspend(this)) suspendRun(this);
    } catch (err) {
      this.crash(err);
    } finally {
      this.busy = false;
    }
  }

  /** Lets timers, I/O and other runs in before the next settlement (fairness.ts). */
  private yieldLater(): void {
    if (this.yielded) return;
    this.yielded = true;
    setImmediate(resumePump, this);
  }

  resumeAfterYield(): void {
    this.yielded = false;
    this.sinceYield = 0;
    this.pump();
  }

  private skip(item: AgendaSkip): void {
    if (item.reason === 'limit') {
      this.failRun(describeStop(this.cp, 'LOOP_LIMIT_EXCEEDED', item.node));
    } else recordSkip(this, item);
  }

  private start(exec: Execution): void {
    const cp = this.cp;
    if (cp.steps >= cp.info.maxSteps && exec.status !== RUNNING) {
      this.failRun(describeStop(cp, 'MAX_STEPS_EXCEEDED', exec.node));
      return;
    }
    const at = this.ports.now();
    if (this.deadline !== 0 && at >= this.deadline) {
      this.failRun(describeStop(cp, 'RUN_TIMEOUT'));
      return;
    }
    startAttempt(this, exec, at);
  }

  isCurrent(exec: Execution, token: number): boolean {
    return (
      !this.done && exec.token === token && exec.status === RUNNING && exec.outcome === Outcome.NONE
    );
  }

  queueSuccess(exec: Execution, value: unknown): void {
    exec.outcome = Outcome.VALUE;
    exec.value = value;
    this.settled.push(exec);
  }

  queueFailure(exec: Execution, err: unknown): void {
    exec.outcome = Outcome.ERROR;
    exec.value = err;
    this.settled.push(exec);
  }

  private settle(exec: Execution): void {
    const outcome = exec.outcome;
    const value = exec.value;
    exec.outcome = Outcome.NONE;
    exec.value = undefined;
    exec.handle = undefined;
    if (exec.timer !== undefined) {
      clearTimeout(exec.timer);
      exec.timer = undefined;
    }
    // The tool gave up waiting for its answer (or threw): the node waits on; an answer restarts it.
    if (exec.memo !== undefined && exec.memo.pending > 0) return;
    if (outcome === Outcome.VALUE) succeedNode(this, exec, value);
    else failAttempt(this, exec, value);
  }

  retryDue(exec: Execution): void {
    exec.timer = undefined;
    if (this.done || exec.status !== WAITING) return;
    this.cp.requeue(exec);
    this.pump();
  }

  abortAttempt(exec: Execution, reason: unknown): void {
    exec.handle?.abort(reason);
    exec.handle = undefined;
    exec.token++;
    exec.busy = 0;
    exec.blocked = 0;
    if (exec.timer !== undefined) clearTimeout(exec.timer);
    exec.timer = undefined;
  }

  private cleanup(): void {
    this.done = true;
    if (this.timers !== undefined) for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers = undefined;
    this.ports.inbox?.close();
    if (this.runTimer !== undefined) clearTimeout(this.runTimer);
    if (this.onAbort !== undefined) this.ports.signal?.removeEventListener('abort', this.onAbort);
    if (this.onPause !== undefined) this.ports.pause?.removeEventListener('abort', this.onPause);
  }

  end(result: RunResult): void {
    this.cleanup();
    this.resolve(result);
  }

  /** A bug or a throwing sink: stop everything and reject executeRun's promise. */
  private crash(err: unknown): void {
    for (const exec of this.cp.inflight) this.abortAttempt(exec, err);
    this.cleanup();
    this.reject(err);
  }

  // ToolHost: what tool contexts report (tool-host.ts builds the events).
  toolEvent(exec: Execution, token: number, type: 'LOG' | 'CUSTOM', data: ToolEventData): void {
    if (this.accepts(exec, token))
      this.outside(() => this.emit(nodeEvent(this, exec, type, data)), false);
  }

  stepCompleted(exec: Execution, token: number, name: string, n: number, result: unknown): void {
    if (this.accepts(exec, token)) this.outside(() => recordStep(this, exec, name, n, result));
  }

  stepSettled(exec: Execution): void {
    if (!this.done && exec.busy === exec.blocked && (exec.memo?.pending ?? 0) > 0) this.pump();
  }

  interruptRequested(exec: Execution, token: number, data: InterruptRequestData): void {
    if (this.accepts(exec, token)) this.outside(() => recordInterrupt(this, exec, data));
  }

  interruptDue(exec: Execution, id: string): void {
    this.outside(() => timeOutInterrupt(this, exec, id));
  }

  checkBudget(exec: Execution): 'ok' | 'stop' {
    return checkBudget(this, exec);
  }

  mapItemEvent(exec: Execution, token: number, type: MapItemEvent['type'], data: MapItemData) {
    if (this.accepts(exec, token))
      this.outside(() => this.emit(itemEvent(this, exec, type, data)), false);
  }

  private accepts(exec: Execution, token: number): boolean {
    return !this.done && exec.token === token && exec.status === RUNNING;
  }

  /**
   * Tools report from their own async code, outside `pump`: hold the loop while `fn` emits and
   * folds (a sink may cancel the run synchronously), then let it react (`react`: always, for a
   * node to restart or a run to suspend; else only to a stop).
   */
  private outside(fn: () => void, react = true): void {
    if (this.done) return;
    if (this.busy) {
      fn();
      return;
    }
    this.busy = true;
    try {
      fn();
    } catch (err) {
      this.crash(err);
    } finally {
      this.busy = false;
    }
    if (react || this.stop !== undefined) this.pump();
  }
}

function cancelStop(signal: AbortSignal | undefined): Stop {
  const reason = signal?.reason;
  return { kind: 'cancel', reason: typeof reason === 'string' ? reason : undefined };
}
function runTimedOut(run: LiveRun): void {
  run.timedOut();
}
function resumePump(run: LiveRun): void {
  run.resumeAfterYield();
}
