import type { ErrorInfo, GraphDef, RunEvent, State } from '../engine/index.js';

export type RunStatus = 'QUEUED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const RUN_STATUSES: readonly RunStatus[] = [
  'QUEUED',
  'RUNNING',
  'WAITING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'WAITING'];

export type NodeStatus = 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

export interface RunRecord {
  id: string;
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
}

export interface GraphVersionRecord {
  id: string;
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
  graphId: string;
  graphVersionId: string;
  input: State;
  owner: string;
  /** Epoch ms; defaults to now. */
  createdAt?: number;
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
  /**
   * Takes over active runs whose owner stopped heartbeating before `staleBefore` (or that have
   * no owner). Two processes never claim the same run.
   */
  claimOrphans(owner: string, staleBefore: Date, limit: number): Promise<ClaimedRun[]>;
  /**
   * Marks the owner's active runs alive; returns those of them another process asked to cancel.
   */
  heartbeat(owner: string, now: Date): Promise<string[]>;
  /** Asks the owner of an active run to cancel it; false when the run is not active. */
  requestCancel(runId: string): Promise<boolean>;
  /** Gives up the owner's active runs so the next process resumes them at once. */
  release(owner: string): Promise<void>;
}
