/**
 * Port: answers to a run's interrupts (resumeRun) reach its executor through an inbox. The live
 * run takes what is waiting when it begins and each time it is woken, records each answer
 * (INTERRUPT_ANSWERED) and settles it with its outcome. The application implements it.
 */

/** What became of an answer: recorded, or why not. */
export type AnswerOutcome = 'ANSWERED' | 'UNKNOWN' | 'ALREADY_ANSWERED' | 'TIMED_OUT';

export interface InterruptAnswer {
  readonly interruptId: string;
  /** Already validated against the interrupt's schema by the caller. */
  readonly value: unknown;
  settle(outcome: AnswerOutcome): void;
}

export interface RunInbox {
  /** The answers waiting (and forgets them). */
  take(): InterruptAnswer[];
  /** The run executes: call `wake` when an answer arrives. */
  open(wake: () => void): void;
  /** The run stopped executing here (ended or suspended): answers go elsewhere from now on. */
  close(): void;
}
