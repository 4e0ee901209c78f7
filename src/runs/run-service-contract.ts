import type { RunEvent, State, ToolResolver } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redaction.js';
import type { ForkInput, ReplayInput, RetryInput } from './fork-run.js';
import type { Instance } from './instance.js';
import type { RunObserver } from './observer.js';
import type {
  EventPage,
  Feed,
  GraphStore,
  HeldRunStore,
  RunEventBus,
  RunRecord,
  RunStore,
  RunUpdate,
  StartKeyStore,
} from './ports.js';
import type { InterruptView, RunUsage } from './run-views.js';
import type { RunThreads, StartOptions } from './start-run.js';

export interface RunServiceOptions {
  store: RunStore;
  graphs: GraphStore;
  tools: ToolResolver;
  bus: RunEventBus;
  logger: Logger;
  /** Runs executing at once in this process; more wait QUEUED. */
  maxConcurrentRuns?: number;
  /** A run whose owner has not heartbeated for this long is resumed by another process. */
  leaseMs?: number;
  /** This server's stable identity (default: host-derived); `owner` defaults to its boot. */
  instance?: Instance;
  owner?: string;
  /** Takeovers without progress after which a run fails with RECOVERY_LIMIT_EXCEEDED (3). */
  recoveryLimit?: number;
  /** `paused`: claimed orphans are paused (RUN_PAUSED, reason recovery), not resumed (RECOVERY). */
  recovery?: 'resume' | 'paused';
  /** Orphaned runs claimed and resumed per tick (10), one tick every resumeIntervalMs (100). */
  resumeBatch?: number;
  resumeIntervalMs?: number;
  /** startRun answers UNAVAILABLE after this long when the database does not (5,000). */
  startTimeoutMs?: number;
  /** Applied to errors and log messages of events before they are stored and streamed. */
  redactor?: Redactor;
  /** Held runs of concurrency keys (graph policies, schedule overlap); without it none are held. */
  held?: HeldRunStore;
  /** Idempotency keys of startRun; without it a key is accepted and ignored. */
  startKeys?: StartKeyStore;
  /** A repeated idempotency key within this long returns the first run (24 h). */
  idempotencyWindowMs?: number;
  /** Metrics and traces of runs (see observer.ts). */
  observer?: RunObserver;
  /**
   * false (ROLE=api): runs are stored without an owner and executed by whichever worker process
   * claims them first; this process executes nothing. Default true.
   */
  execute?: boolean;
  /** startRun refuses an input value above this many bytes of JSON (VALUE_TOO_LARGE). */
  maxValueBytes?: number;
  /** Threads (src/threads): startRun(threadId), and ctx.thread / ctx.memory of every run. */
  threads?: RunThreads;
}

/** Tenant ids default to DEFAULT_TENANT (the single tenant of AUTH=none). */
/** What `currentState` needs of a run: a record, or a row with the same fields. */
export interface RunStateSource {
  id: string;
  status: string;
  input: unknown;
  state: unknown;
  graphVersionId: string;
}

export interface RunService {
  readonly owner: string;
  /** True while the run executes (or waits to) in this process. */
  isLocal(runId: string): boolean;
  /** Forgets the cached latest version of a graph (it was saved or deleted). */
  invalidateGraph(graphId: string, change?: 'paused' | 'unpaused'): void;
  /**
   * Stores a new QUEUED run of the graph's latest version (or `options.version`) and returns its
   * record; with an idempotency key used within its window, the run that key started instead.
   */
  start(
    graphId: string,
    input: unknown,
    tenantId?: string,
    options?: StartOptions,
  ): Promise<RunRecord>;
  /** The run, when it exists in the tenant; NOT_FOUND otherwise (another tenant's run too). */
  get(runId: string, tenantId?: string): Promise<RunRecord>;
  /** The tenant of a run (of this process's runs even before their row is stored). */
  tenantOf(runId: string): Promise<string | undefined>;
  cancel(runId: string, tenantId?: string): Promise<RunRecord>;
  /**
   * Stops the run at its next node boundary: running attempts finish, nothing new starts, it
   * becomes PAUSED and leaves memory. PAUSED already: returned as it is; ended: RUN_NOT_ACTIVE.
   */
  pause(runId: string, tenantId?: string): Promise<RunRecord>;
  /** Continues a PAUSED run from its log (RUN_NOT_PAUSED otherwise). */
  unpause(runId: string, tenantId?: string): Promise<RunRecord>;
  /** A new run from the start of one of the run's node executions, with an edited state. */
  fork(runId: string, input: ForkInput, tenantId?: string): Promise<RunRecord>;
  /** A new run of a failed or cancelled run: what succeeded is kept, what failed runs again. */
  retry(runId: string, input: RetryInput, tenantId?: string): Promise<RunRecord>;
  /** A new run replaying a finished one: model calls made again, other calls from its record. */
  replay(runId: string, input: ReplayInput, tenantId?: string): Promise<RunRecord>;
  /** The run's state right after event `seq`. */
  stateAt(runId: string, seq: number, tenantId?: string): Promise<State>;
  /** The state of a run now: final when finished, else folded from its stored events. */
  currentState(run: RunStateSource): Promise<State | null>;
  /**
   * Every event of the run after `afterSeq`, exactly once and in order: stored ones, then live
   * ones; ends after the run's terminal event, or fails with SHUTTING_DOWN when the server stops
   * first (see event-stream.ts).
   */
  events(runId: string, afterSeq?: number, tenantId?: string): AsyncGenerator<RunEvent>;
  /** A window of a run's stored events, for paging. */
  eventPage(runId: string, page: EventPage): Promise<RunEvent[]>;
  /**
   * Status changes of the tenant's runs (of one graph when graphId is given), each with the run
   * record. NOT_FOUND when the graph is not the tenant's; ends with SHUTTING_DOWN when the server
   * stops.
   */
  updates(tenantId: string, graphId?: string): Promise<Feed<RunUpdate>>;
  /**
   * Resolves once the run's terminal event is stored (runs executing in this process), or its
   * WAITING status (it left memory).
   */
  waitFor(runId: string): Promise<void>;
  /**
   * Answers an interrupt: BAD_USER_INPUT (every problem) when `value` does not match its schema
   * (the run keeps waiting), INTERRUPT_ALREADY_ANSWERED, INTERRUPT_TIMED_OUT, NOT_FOUND; else the
   * answer is recorded and the run goes on (RUNNING).
   */
  resume(runId: string, interruptId: string, value: unknown, tenantId?: string): Promise<RunRecord>;
  /** The run's interrupts, from its stored events. */
  interrupts(run: { id: string; status: string }): Promise<InterruptView[]>;
  /** What the run's model calls spent, from its stored `llm.usage` events. */
  usage(run: { id: string }): Promise<RunUsage>;
  /**
   * Takes over and resumes runs left by a crashed or stopped process (at once for this
   * instance's previous boots, after their lease for others), a batch per tick; returns how many.
   * A run taken over more than recoveryLimit times without progress fails instead; with
   * `recovery: 'paused'` the others are paused, not resumed.
   */
  resumeOrphans(): Promise<number>;
  /** Starts heartbeats and the orphan scan. */
  startBackground(): void;
  /** Stops taking runs, stores what is buffered, hands unfinished runs back for resume. */
  shutdown(graceMs?: number): Promise<void>;
  stats(): { active: number; queued: number; pendingEvents: number };
}
