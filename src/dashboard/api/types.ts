/** The API's shapes as the dashboard reads them (schema.graphql). */

export type RunStatus =
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED'
  | 'WAITING'
  | 'PAUSED';
export type NodeStatus = 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

export type RunOrigin = 'CHILD' | 'FORK' | 'RETRY';
export type InterruptStatus = 'PENDING' | 'ANSWERED' | 'TIMED_OUT' | 'CANCELLED';

/** A question a node asked (Run.interrupts), answered with resumeRun. */
export interface Interrupt {
  id: string;
  nodeId: string;
  iteration: number;
  prompt: string;
  schema: unknown;
  status: InterruptStatus;
  answer?: unknown;
  deadline: string | null;
}

/** Where a run came from and what was made from it. */
export interface Lineage {
  origin: RunOrigin | null;
  parentSeq: number | null;
  parent: { id: string; status: RunStatus; origin: RunOrigin | null } | null;
  forks: Array<{ id: string; status: RunStatus; origin: RunOrigin | null; createdAt: string }>;
}

export interface RunError {
  code: string;
  message: string;
  nodeId?: string | null;
  details?: unknown;
}

export interface RunRow {
  id: string;
  status: RunStatus;
  graphVersion: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  graph: { id: string; name: string };
}

export interface NodeExecution {
  nodeId: string;
  iteration: number;
  status: NodeStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: RunError | null;
}

export interface RunEvent {
  seq: number;
  type: string;
  nodeId: string | null;
  attempt: number | null;
  at: string;
  data: Record<string, unknown>;
}

export interface NodeDef {
  id: string;
  tool: string;
  config?: unknown;
  maxIterations?: number;
  onLimit?: 'fail' | 'exit';
  retry?: { maxAttempts: number };
  timeoutMs?: number;
  inputs?: Record<string, string>;
  output?: unknown;
  graph?: string;
  map?: { over: string; as?: string; maxConcurrency?: number };
}

export interface EdgeDef {
  from: string;
  to: string;
  when?: string;
}

export interface GraphDef {
  name: string;
  description?: string;
  entry: string;
  nodes: NodeDef[];
  edges: EdgeDef[];
  state?: Record<string, { reducer?: string; default?: unknown }>;
  limits?: { maxSteps?: number; maxDurationMs?: number };
  concurrency?: { key: string; onConflict: string };
  /** JSON Schema of the run input, when the graph declares one. */
  inputSchema?: unknown;
}

export interface Tool {
  name: string;
  description: string;
  configSchema: unknown;
  inputSchema: unknown;
  source: 'IN_PROCESS' | 'MCP' | 'WORKER';
  server: string | null;
  status: string | null;
  workers: number | null;
  freeSlots: number | null;
}

/** What a run page knows of a node: its live status and how often it ran. */
export interface LiveNode {
  status: 'PENDING' | 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'WAITING';
  /** Activations started (loop iterations). */
  iterations: number;
  attempt: number;
}
