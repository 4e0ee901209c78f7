/**
 * Interrupts in the live loop (EXECUTOR.md, "Steps and interrupts"): a request is recorded and
 * its deadline armed; an answer or a timeout is recorded and settles the tool's `ctx.interrupt`
 * when its attempt still runs, or puts the node back in the agenda (it runs again, its steps and
 * answers replayed) once none of its interrupts is pending. When every active node waits for an
 * answer and no step runs, the run suspends: RUN_SUSPENDED, and executeRun resolves WAITING.
 */
import type { InterruptRequestedEvent } from '../events.js';
import type { Execution } from '../fold/execution.js';
import type { InterruptRecord } from '../fold/memo.js';
import type { AnswerOutcome } from './inbox.js';
import type { RunLoop } from './run-loop.js';

export type InterruptRequestData = Omit<InterruptRequestedEvent['data'], 'deadline'> & {
  timeoutMs?: number;
};

function nodeEvent(run: RunLoop, exec: Execution) {
  return {
    runId: run.runId,
    seq: run.cp.lastSeq + 1,
    at: run.ports.now(),
    nodeId: exec.node.id,
    attempt: exec.attempt,
  };
}

export function recordInterrupt(run: RunLoop, exec: Execution, request: InterruptRequestData) {
  const { timeoutMs, ...rest } = request;
  const base = nodeEvent(run, exec);
  const data: InterruptRequestedEvent['data'] =
    timeoutMs === undefined ? rest : { ...rest, deadline: base.at + timeoutMs };
  run.emit({ ...base, type: 'INTERRUPT_REQUESTED', data }, exec);
  if (data.deadline !== undefined) armDeadline(run, exec, data.id, data.deadline);
}

function armDeadline(run: RunLoop, exec: Execution, id: string, deadline: number): void {
  const wait = Math.max(0, deadline - run.ports.now());
  run.interruptTimers.set(
    id,
    setTimeout(() => run.interruptDue(exec, id), wait),
  );
}

/** After a resume: interrupts past their deadline time out now, the others get their timer. */
export function armInterrupts(run: RunLoop): void {
  const now = run.ports.now();
  for (const exec of [...run.cp.inflight]) {
    const memo = exec.memo;
    if (memo === undefined || memo.pending === 0) continue;
    for (const record of [...memo.interrupts.values()]) {
      if (record.status !== 'PENDING' || record.deadline === undefined) continue;
      if (record.deadline <= now) timeOutInterrupt(run, exec, record.id);
      else armDeadline(run, exec, record.id, record.deadline);
    }
  }
}

export function timeOutInterrupt(run: RunLoop, exec: Execution, id: string): void {
  run.interruptTimers.delete(id);
  const record = exec.memo?.interrupts.get(id);
  if (record === undefined || record.status !== 'PENDING' || !run.cp.inflight.has(exec)) return;
  const data = {
    iteration: exec.iteration,
    id,
    ...(record.hasDefault ? { value: record.default } : {}),
  };
  run.emit({ ...nodeEvent(run, exec), type: 'INTERRUPT_TIMED_OUT', data }, exec);
  settleRecord(run, exec, record);
}

/** A suspended log executes again: RUN_RESUMED first. */
export function resumeSuspended(run: RunLoop): void {
  const seq = run.cp.lastSeq + 1;
  run.emit({ runId: run.runId, seq, at: run.ports.now(), type: 'RUN_RESUMED', data: {} });
}

/** Records the answers waiting in the inbox, settling each with its outcome. */
export function takeAnswers(run: RunLoop): void {
  const inbox = run.ports.inbox;
  if (inbox === undefined) return;
  for (const answer of inbox.take()) {
    answer.settle(answerInterrupt(run, answer.interruptId, answer.value));
  }
}

export function answerInterrupt(run: RunLoop, id: string, value: unknown): AnswerOutcome {
  for (const exec of run.cp.inflight) {
    const record = exec.memo?.interrupts.get(id);
    if (record === undefined) continue;
    if (record.status === 'ANSWERED') return 'ALREADY_ANSWERED';
    if (record.status === 'TIMED_OUT') return 'TIMED_OUT';
    const timer = run.interruptTimers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    run.interruptTimers.delete(id);
    const data = { iteration: exec.iteration, id, value };
    run.emit({ ...nodeEvent(run, exec), type: 'INTERRUPT_ANSWERED', data }, exec);
    settleRecord(run, exec, record);
    return 'ANSWERED';
  }
  return 'UNKNOWN';
}

/** The attempt still runs: settle its ctx.interrupt; else the node runs again once nothing is pending. */
function settleRecord(run: RunLoop, exec: Execution, record: InterruptRecord): void {
  if (exec.handle !== undefined) exec.handle.deliver(record);
  else if (exec.memo !== undefined && exec.memo.pending === 0) run.cp.requeue(exec);
}

/** True when every active execution waits for an answer and runs no step that is not waiting too. */
export function shouldSuspend(run: RunLoop): boolean {
  const cp = run.cp;
  if (cp.awaitingInput === 0 || cp.awaitingInput !== cp.activeTotal) return false;
  for (const exec of cp.inflight) if (exec.busy > exec.blocked) return false;
  return true;
}

/** Every active node waits: abort their attempts, record RUN_SUSPENDED, resolve WAITING. */
export function suspendRun(run: RunLoop): void {
  const cp = run.cp;
  const interrupts: string[] = [];
  let wakeAt: number | undefined;
  for (const exec of cp.inflight) {
    run.abortAttempt(exec, new Error('The run is waiting for an answer and left memory'));
    for (const record of exec.memo?.interrupts.values() ?? []) {
      if (record.status !== 'PENDING') continue;
      interrupts.push(record.id);
      if (record.deadline !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, record.deadline);
    }
  }
  const maxMs = cp.info.maxDurationMs;
  if (maxMs > 0) wakeAt = Math.min(wakeAt ?? Infinity, cp.startedAt + maxMs);
  const data = wakeAt === undefined ? { interrupts } : { interrupts, wakeAt };
  const { runId } = run;
  run.emit({ runId, seq: cp.lastSeq + 1, at: run.ports.now(), type: 'RUN_SUSPENDED', data });
  run.end({ status: 'WAITING', state: cp.store.state, lastSeq: cp.lastSeq });
}
