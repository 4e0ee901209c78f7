/**
 * The worker layer's ports: what dispatching tasks to remote workers needs from storage. The
 * Prisma adapters (src/persistence/prisma-task-store.ts, prisma-worker-store.ts) implement them.
 */

export type TaskStatus = 'QUEUED' | 'LEASED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

/** What a worker said when it failed a task. */
export interface TaskError {
  message: string;
  code?: string;
  retryable: boolean;
  details?: unknown;
}

/** A LOG or CUSTOM event a worker sent for a task (relayed into the run's log). */
export type TaskEvent =
  | { type: 'LOG'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: unknown }
  | { type: 'CUSTOM'; name: string; payload?: unknown };

export interface ToolTaskRecord {
  /** `<runId>:<nodeId>:<iteration>:<attempt>`: a resumed attempt finds its task again. */
  id: string;
  tenantId: string;
  runId: string;
  nodeId: string;
  iteration: number;
  attempt: number;
  tool: string;
  input: unknown;
  config: unknown;
  status: TaskStatus;
  /** Bumped by each lease. */
  dispatch: number;
  workerId: string | null;
  leaseUntil: Date | null;
  result: unknown;
  error: TaskError | null;
  events: TaskEvent[];
  createdAt: Date;
}

export type NewTask = Pick<
  ToolTaskRecord,
  'id' | 'tenantId' | 'runId' | 'nodeId' | 'iteration' | 'attempt' | 'tool' | 'input' | 'config'
>;

/** An answer taken, or the task as it is (null: no such task in the tenant) to say why not. */
export type AnswerOutcome = { ok: true } | { ok: false; task: ToolTaskRecord | null };

export interface TaskStore {
  /**
   * Stores the task QUEUED, or returns the stored one (a resumed attempt has the same id). A
   * stored task that was cancelled or timed out (the process died before its run recorded it)
   * is queued again.
   */
  enqueue(task: NewTask): Promise<ToolTaskRecord>;
  /**
   * Leases up to `limit` queued tasks of `tools` in `tenantId` to `workerId`, oldest first: each
   * gets dispatch + 1 and `leaseUntil`. Two callers never lease one task.
   */
  claim(
    tenantId: string,
    workerId: string,
    tools: readonly string[],
    limit: number,
    leaseUntil: Date,
  ): Promise<ToolTaskRecord[]>;
  /**
   * Ends a task of `tenantId` with a worker's answer when it is still at lease `dispatch`
   * (leased, or queued again and not yet leased to another worker); otherwise nothing changes.
   */
  answer(
    id: string,
    tenantId: string,
    dispatch: number,
    end: { status: 'SUCCEEDED'; result: unknown } | { status: 'FAILED'; error: TaskError },
  ): Promise<AnswerOutcome>;
  /** Ends a task from the run's side unless it already ended; only from `from` when given. */
  abandon(id: string, status: 'CANCELLED' | 'TIMED_OUT', from?: TaskStatus): Promise<boolean>;
  /** Puts a task at lease `dispatch` back in the queue (hand back, worker gone). */
  requeue(id: string, dispatch: number): Promise<boolean>;
  /** Re-queues leased tasks whose lease lapsed before `now`; returns how many. */
  requeueExpired(now: Date): Promise<number>;
  /** Extends the leases of the leased tasks of these workers (their connections are alive). */
  extendLeases(workerIds: readonly string[], leaseUntil: Date): Promise<void>;
  get(ids: readonly string[]): Promise<ToolTaskRecord[]>;
  /** The leased tasks of a worker (a reconnecting worker still holds them). */
  leasedTo(workerId: string): Promise<ToolTaskRecord[]>;
  /** Appends events to a task at lease `dispatch`; false when it is not. */
  appendEvents(id: string, dispatch: number, events: readonly TaskEvent[]): Promise<boolean>;
  /** Leased task counts of these workers. */
  leasedCounts(workerIds: readonly string[]): Promise<Map<string, number>>;
  /** Deletes ended tasks last changed before `before`; returns how many. */
  purgeEnded(before: Date): Promise<number>;
}

export interface WorkerToolRecord {
  name: string;
  tenantId: string;
  description: string;
  configSchema: Record<string, unknown>;
  inputSchema: Record<string, unknown> | null;
}

export interface WorkerRecord {
  id: string;
  tenantId: string;
  name: string;
  tools: string[];
  slots: number;
  connectedTo: string | null;
  lastSeenAt: Date | null;
}

export interface WorkerStore {
  listTools(): Promise<WorkerToolRecord[]>;
  /** Creates or updates a tool; 'TAKEN' when another tenant owns the name. */
  saveTool(tool: WorkerToolRecord): Promise<'SAVED' | 'TAKEN'>;
  saveWorker(worker: Omit<WorkerRecord, 'connectedTo' | 'lastSeenAt'>): Promise<void>;
  getWorker(id: string): Promise<WorkerRecord | null>;
  listWorkers(tenantId: string): Promise<WorkerRecord[]>;
  /** Marks workers connected to `owner` (or disconnected, with null) and seen `now`. */
  setConnected(ids: readonly string[], owner: string | null, now: Date): Promise<void>;
}
