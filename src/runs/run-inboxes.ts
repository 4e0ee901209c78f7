/**
 * One inbox per run this process executes (or has queued): resumeRun's answers reach the run's
 * executor through it (the engine's RunInbox port). Closed by the executor when the run stops
 * executing here (it ended, or suspended and left memory); an answer offered to a closed inbox
 * is refused, and the caller takes the run from the store instead.
 */
import type { InterruptAnswer, RunInbox } from '../engine/index.js';

export class Inbox implements RunInbox {
  private queue: InterruptAnswer[] = [];
  private wake: (() => void) | undefined = undefined;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  take(): InterruptAnswer[] {
    const taken = this.queue;
    this.queue = [];
    return taken;
  }

  open(wake: () => void): void {
    this.wake = wake;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake = undefined;
    this.onClose();
    // Arrived as the run stopped: the caller looks again (the run is in the store by then).
    for (const answer of this.take()) answer.settle('UNKNOWN');
  }

  /** False when the run no longer executes here. */
  offer(answer: InterruptAnswer): boolean {
    if (this.closed) return false;
    this.queue.push(answer);
    this.wake?.();
    return true;
  }
}

export class RunInboxes {
  private readonly byRun = new Map<string, Inbox>();

  /** A fresh inbox for a run about to be executed here. */
  open(runId: string): Inbox {
    this.byRun.get(runId)?.close();
    const inbox: Inbox = new Inbox(() => {
      if (this.byRun.get(runId) === inbox) this.byRun.delete(runId);
    });
    this.byRun.set(runId, inbox);
    return inbox;
  }

  get(runId: string): Inbox | undefined {
    return this.byRun.get(runId);
  }
}
