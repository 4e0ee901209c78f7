import type { State, ToolResolver } from '../engine/index.js';
import type { GraphStore } from '../graphs/types.js';
import type { Logger } from '../logger.js';
import type { RunBus } from '../pubsub/run-bus.js';
import type { RunRecord, RunStore } from './types.js';

export interface RunServiceOptions {
  store: RunStore;
  graphs: GraphStore;
  tools: ToolResolver;
  bus: RunBus;
  logger: Logger;
  /** Runs executing at once in this process; more wait QUEUED. */
  maxConcurrentRuns?: number;
  /** A run whose owner has not heartbeated for this long is resumed by another process. */
  leaseMs?: number;
  owner?: string;
}

export interface RunService {
  readonly owner: string;
  /** True while the run executes (or waits to) in this process. */
  isLocal(runId: string): boolean;
  /** Forgets the cached latest version of a graph (it was saved or deleted). */
  invalidateGraph(graphId: string): void;
  start(graphId: string, input: unknown): Promise<RunRecord>;
  cancel(runId: string): Promise<RunRecord>;
  /** The state of a run now: final when finished, else folded from its stored events. */
  currentState(run: RunRecord): Promise<State | null>;
  /** Resolves once the run's terminal event is stored (runs executing in this process). */
  waitFor(runId: string): Promise<void>;
  /** Takes over and resumes runs left by a crashed or stopped process; returns how many. */
  resumeOrphans(all?: boolean): Promise<number>;
  /** Starts heartbeats and the orphan scan. */
  startBackground(): void;
  /** Stops taking runs, stores what is buffered, hands unfinished runs back for resume. */
  shutdown(graceMs?: number): Promise<void>;
  stats(): { active: number; queued: number; pendingEvents: number };
}
