/**
 * The application layer's ports: everything the run and graph services need from storage and
 * from the event bus, with their record types. Adapters (src/persistence, src/pubsub) implement
 * them; nothing in src/runs imports an adapter.
 */
import type { ErrorInfo, GraphDef, RunEvent, State } from '../engine/index.js';

export type RunStatus =
  | 'QUEUED'
  | 'RUNNING'
  | 'WAITING'
  | 'PAUSED'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED';
export const RUN_STATUSES: readonly RunStatus[] = [
  'QUEUED',
  'RUNNING',
  'WAITING',
  'PAUSED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];
/** The tenant of everything made without an identity (AUTH=none, examples, older rows). */
export const DEFAULT_TENANT = 'default';

/**
 * Statuses of a run that has not ended: the one list of them. A PAUSED run is active: it is out
 * of memory and no process owns it, but it keeps its concurrency key (as a WAITING run does).
 */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'WAITING', 'PAUSED'];

export function isActive(status: RunStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING' || status === 'WAITING' || status === 'PAUSED';
}

export type NodeStatus = 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

export interface RunRecord {
  id: string;
  /** The tenant the run belongs to (that of its graph). */
  tenantId: string;
  graphId: string;
  graphVersionId: string;
  status: RunStatus;
  input: State;
  state: State | null;
  error: ErrorInfo | null;
  lastSeq: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The number of the graph version the run pinned, where the holder of the record knows it. */
  pinnedVersion?: number;
  /** Takeovers since the run last made progress (see RunStore.claimOrphans); stores fill it. */
  recoveries?: number;
  /** Runs with the same key wait for each other (see concurrency.ts); null: none. */
  concurrencyKey?: string | null;
  /** QUEUED behind an older active run with the same concurrency key. */
  held?: boolean;
  /** A fork, retry or sub-graph child: the run it was made from, the parent's seq it starts after, and how. */
  parentRunId?: string | null;
  parentSeq?: number | null;
  origin?: 'FORK' | 'RETRY' | 'CHILD' | 'REPLAY' | null;
  /** The W3C traceparent the run's trace continues (set when the start was traced). */
  traceparent?: string;
  /** pauseRun asked for a pause no process has taken yet (set by stores, only when true). */
  pauseRequested?: true;
}

export interface GraphVersionRecord {
  id: string;
  tenantId: string;
  graphId: string;
  version: number;
  definition: GraphDef;
}

/** Changes to one run row, derived from a batch of its events. */
export interface RunPatch {
  id: string;
  lastSeq: number;
  status?: RunStatus;
  /** Every status the run went through in this batch, in order (the last is `status`). */
  transitions?: RunStatus[];
  state?: State;
  error?: ErrorInfo | null;
  startedAt?: number;
  finishedAt?: number;
  /** A node succeeded in this batch: the run made progress, its recovery count starts over. */
  progressed?: boolean;
  /** RUN_SUSPENDED: when the WAITING run must be woken (an interrupt deadline), null: never. */
  /** (A PAUSED patch also gives the run's lease up: its owner is cleared in the same commit.) */
  wakeAt?: number | null;
}

/** One node-execution row as it stands after a batch of events. */
export interface NodeRow {
  runId: string;
  nodeId: string;
  iteration: number;
  /** seq of the event that first recorded this execution. */
  seq: number;
  status: NodeStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  error: ErrorInfo | null;
}

/** What one group commit writes: in one transaction, all or nothing. */
export interface CommitBatch {
  /** Runs to insert (QUEUED) before the events: run creation shares the group commit. */
  created: NewRun[];
  events: RunEvent[];
  runs: RunPatch[];
  nodes: NodeRow[];
}

export interface CommitResult {
  /** Runs whose changes were not stored because another process owns them now. */
  lost: string[];
}

export interface NewRun {
  id: string;
  tenantId: string;
  graphId: string;
  graphVersionId: string;
  input: State;
  /** null: no process executes it yet; the first to claim it does (see claimOrphans). */
  owner: string | null;
  /** Epoch ms; defaults to now. */
  createdAt?: number;
  /** Runs with the same key wait for each other (see concurrency.ts). */
  concurrencyKey?: string | null;
  /** Stored QUEUED and not executed until released (an older run with its key is active). */
  held?: boolean;
  /** A fork, retry or sub-graph child: the run it was made from, the parent's seq it starts after, and how. */
  parentRunId?: string | null;
  parentSeq?: number | null;
  origin?: 'FORK' | 'RETRY' | 'CHILD' | 'REPLAY' | null;
  /** The W3C traceparent of the start (set by the tracing observer). */
  traceparent?: string;
}

/** A run a process has taken over, with what it needs to resume it. */
export interface ClaimedRun {
  run: RunRecord;
  version: GraphVersionRecord;
}

/**
 * Port: the run service's storage. src/persistence implements it for SQLite and PostgreSQL; a
 * shared conformance suite (tests/persistence/run-store.spec.ts) holds both to it.
 */
export interface RunStore {
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | null>;
  getGraphVersion(id: string): Promise<GraphVersionRecord | null>;
  /**
   * Stores events (unique per runId+seq), run patches and node rows in one transaction, for the
   * runs `owner` still owns: a run another process took over (this one stalled past its lease)
   * is left out and reported in `lost`, so a stale executor can never write into its log.
   */
  commit(batch: CommitBatch, owner: string): Promise<CommitResult>;
  /** Events of a run with seq > afterSeq, in seq order, at most `limit`. */
  listEvents(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]>;
  /** A page of a run's events with afterSeq < seq < beforeSeq: the first or last `limit`. */
  pageEvents(runId: string, page: EventPage): Promise<RunEvent[]>;
  /**
   * Takes over active runs whose owner stopped heartbeating before `staleBefore`, that have no
   * owner, or whose owner is in `deadOwners` (previous boots of this instance, known to be gone:
   * taken at once, whatever their heartbeat). Two processes never claim the same run. Each claim
   * adds 1 to the run's `recoveries` in the same statement, before the run executes again; runs
   * with fewer recoveries come first.
   */
  claimOrphans(
    owner: string,
    staleBefore: Date,
    limit: number,
    deadOwners?: readonly string[],
  ): Promise<ClaimedRun[]>;
  /** The distinct owners of active runs (to find this instance's previous boots). */
  activeOwners(): Promise<string[]>;
  /**
   * Deletes a run that never got an event (its creation was abandoned: startRun answered
   * UNAVAILABLE). False when there was no such run.
   */
  discardRun(runId: string): Promise<boolean>;
  /**
   * Marks the owner's active runs alive; returns those of them another process asked to cancel.
   */
  heartbeat(owner: string, now: Date): Promise<string[]>;
  /**
   * Of `runIds` (runs this process executes), those it does not own any more: another process
   * took them over while this one stalled past its lease. Found even when nothing is committed.
   */
  notOwned(owner: string, runIds: readonly string[]): Promise<string[]>;
  /** Asks the owner of an active run to cancel it; false when the run is not active. */
  requestCancel(runId: string): Promise<boolean>;
  /**
   * Takes a WAITING run (to record an answer or a cancel), or with `from: 'PAUSED'` a paused one
   * (to unpause or cancel it): it becomes RUNNING, owned by `owner` (null: by no process, for a
   * worker to claim, as ROLE=api stores runs). Null when the run is not in that status (any
   * more): two processes never both take it.
   */
  claimWaiting(
    runId: string,
    owner: string | null,
    from?: 'WAITING' | 'PAUSED',
  ): Promise<ClaimedRun | null>;
  /**
   * Asks the owner of a RUNNING or QUEUED run to pause it: `'asked'`, or `'unowned'` when no
   * process owns it yet (whichever claims it executes it paused); false when the run is neither.
   */
  requestPause(runId: string): Promise<'asked' | 'unowned' | false>;
  /** The owner's runs another process asked to pause, taken (each request is returned once). */
  takePauseRequests(owner: string): Promise<string[]>;
  /**
   * Leaves an answer for the owner of an active run (it executes on another process); false
   * when the run is not active. The owner takes it with `takeAnswers`.
   */
  postAnswer(runId: string, answer: PostedAnswer): Promise<boolean>;
  /** The answers left for the owner's active runs, taken (each is returned once). */
  takeAnswers(owner: string): Promise<Array<{ runId: string; answers: PostedAnswer[] }>>;
  /**
   * Gives up runs this process queued but never started (QUEUED, no event): ownerless again,
   * for a server to claim later (pauseGraph holds them). Returns those given up.
   */
  handBack(runIds: readonly string[]): Promise<string[]>;
  /** Gives up the owner's active runs so the next process resumes them at once. */
  release(owner: string): Promise<void>;
}

/** An interrupt's answer posted through a process that does not execute the run. */
export interface PostedAnswer {
  interruptId: string;
  value: unknown;
}

/** A window of a run's events (exclusive bounds), for cursor connections. */
export interface EventPage {
  afterSeq: number;
  beforeSeq?: number;
  limit: number;
  /** The last `limit` events of the window (returned in descending seq). */
  fromEnd?: boolean;
}

// --- Held runs (concurrency keys) ---------------------------------------------------------

/**
 * Port: runs stored `held` (QUEUED behind an older active run with the same concurrency key).
 * A release is one conditional statement (serialised per key on PostgreSQL), so two servers
 * never release two runs of one key at once.
 */
export interface HeldRunStore {
  /**
   * Releases a held run to `owner` when no other active run with its key is unheld or older;
   * false when one is (or the run is not held any more).
   */
  release(runId: string, owner: string): Promise<boolean>;
  /** Takes a held run out of the wait unconditionally (to cancel it); false if not held. */
  take(runId: string, owner: string): Promise<boolean>;
  /**
   * Deletes a run while it is still held (a refused start), in one statement: it never counts
   * as running for another run's release. False when it was released meanwhile.
   */
  discard(runId: string): Promise<boolean>;
  /** Held runs that could be released now (oldest first), of one key or of any. */
  ready(limit: number, key?: string): Promise<ClaimedRun[]>;
  /** Active runs with the key created before `beforeRunId`, held or not. */
  olderActive(key: string, beforeRunId: string): Promise<Array<{ id: string; held: boolean }>>;
}

// --- Idempotent starts --------------------------------------------------------------------

/** A startRun idempotency key, per tenant and graph. */
export interface StartKey {
  tenantId: string;
  graphId: string;
  key: string;
}

export interface StartKeyClaim {
  runId: string;
  /** Hash of what was asked (input, version): the same key asking something else is refused. */
  fingerprint: string;
  createdAt: Date;
}

/**
 * Port: idempotency keys of startRun. Claims are atomic (a primary key, never read-then-write),
 * so two starts with one key, in one process or two, get one run.
 */
export interface StartKeyStore {
  /**
   * Claims the key for `claim.runId` unless a claim made at or after `since` holds it (an older
   * one is replaced); returns null when claimed, else the claim that holds it.
   */
  claim(key: StartKey, claim: StartKeyClaim, since: Date): Promise<StartKeyClaim | null>;
  /** Moves the key from `fromRunId` to `claim` (a claim whose run was never stored); false if it moved. */
  replace(key: StartKey, fromRunId: string, claim: StartKeyClaim): Promise<boolean>;
  /** Gives the key up (its run was not created). */
  release(key: StartKey, runId: string): Promise<void>;
  /** Deletes claims made before `before` (past the window, they no longer name a run). */
  prune(before: Date): Promise<number>;
}

// --- Graphs -------------------------------------------------------------------------------

export interface GraphRecord {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  latestVersion: number;
  /** pauseGraph: its new and queued runs stay QUEUED until unpauseGraph (absent: false). */
  paused?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface GraphWrite {
  tenantId: string;
  name: string;
  description: string | null;
  definition: GraphDef;
}

/** The outcome of a graph write that can collide on the unique name. */
export type GraphSaved = { ok: true; graph: GraphRecord } | { ok: false; reason: 'NAME_TAKEN' };

/** Port: graph storage. Versions are immutable; saving a graph adds one. */
export interface GraphStore {
  create(id: string, versionId: string, graph: GraphWrite): Promise<GraphSaved>;
  /** Adds version latestVersion + 1; null when the graph does not exist in graph.tenantId. */
  update(id: string, versionId: string, graph: GraphWrite): Promise<GraphSaved | null>;
  /**
   * Archives the graph (soft delete: its versions, runs and history stay readable, its name is
   * free, its schedules paused); false when it does not exist or is archived already. An archived
   * graph is not found by the other methods here.
   */
  delete(id: string): Promise<boolean>;
  get(id: string): Promise<GraphRecord | null>;
  getByName(tenantId: string, name: string): Promise<GraphRecord | null>;
  /** The graph's latest version, in one query. */
  latestVersion(graphId: string): Promise<GraphVersionRecord | null>;
  /** Version number `version` of the graph; null when it has no such version. */
  getVersion(graphId: string, version: number): Promise<GraphVersionRecord | null>;
  countActiveRuns(graphId: string): Promise<number>;
  /** Sets the graph's paused flag; null when it does not exist (or is archived). */
  setPaused(id: string, paused: boolean): Promise<GraphRecord | null>;
}

// --- The run-event bus ----------------------------------------------------------------------

/** Published when a run's status changes (after the change is stored): the run as it is then. */
export interface RunUpdate extends RunRecord {}

/**
 * The bus topics, in the shape of Yoga's `createPubSub`: each topic is keyed by an id, and a
 * subscription to a topic without an id (allowed for `run:updated`) receives every key's items.
 * - `run:event`: a run's events, keyed by run id.
 * - `run:updated`: status changes, keyed by graph id.
 */
export interface RunTopics {
  'run:event': RunEvent;
  'run:updated': RunUpdate;
}
export type RunTopic = keyof RunTopics;

/** A live feed, ended by `return()` (unsubscribe; buffered items are dropped). */
export interface Feed<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
}

/** A bus subscription: buffered from creation. */
export interface BusSubscription<T> extends Feed<T> {
  /** The next buffered item, if one is waiting (no promise, no timer). */
  poll(): T | undefined;
}

/**
 * Port: the run-event bus. Publishers call it only after what they publish is stored, so a
 * subscriber that reads the store and then the bus sees everything (deduplicated by seq).
 * A subscriber that falls too far behind fails with `SUBSCRIBER_TOO_SLOW`.
 */
export interface RunEventBus {
  publish<K extends RunTopic>(topic: K, id: string, items: readonly RunTopics[K][]): void;
  subscribe<K extends RunTopic>(topic: K, id?: string): BusSubscription<RunTopics[K]>;
  /** Ends every subscription (shutdown). */
  closeAll(): void;
}
