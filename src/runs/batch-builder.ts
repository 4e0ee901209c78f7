import { assertNever, type RunEvent } from '../engine/index.js';
import type { CommitBatch, NewRun, NodeRow, RunPatch, RunStatus } from './ports.js';

function setStatus(patch: RunPatch, status: RunStatus): void {
  patch.status = status;
  if (patch.transitions) patch.transitions.push(status);
  else patch.transitions = [status];
}

/** One node of an active run: what its rows need across batches. */
interface NodeTrack {
  /** The iteration running now (between NODE_STARTED and its outcome). */
  running: number | undefined;
  /** The highest iteration seen. */
  lastIteration: number;
  /** Its rows by iteration (a scan of a list was O(iterations) per new row: a 100,000-iteration loop spent most of its time here). */
  rows: Map<number, NodeRow>;
}

/** nodeId -> its track (one Map per run, not three: ~500 bytes less per run in flight). */
type RunTrack = Map<string, NodeTrack>;

/**
 * Folds events into what one commit writes: the events themselves, one patch per run and the
 * current row of every node execution they touched. Keeps a little per-run memory (node rows of
 * active runs) so each row is written whole; a run's memory goes with its terminal event.
 */
export class BatchBuilder {
  private readonly tracks = new Map<string, RunTrack>();
  private created: NewRun[] = [];
  private events: RunEvent[] = [];
  private runs = new Map<string, RunPatch>();
  /** The rows this batch touched, in the order first touched. */
  private nodes = new Set<NodeRow>();

  get size(): number {
    return this.events.length + this.created.length;
  }

  addRun(run: NewRun): void {
    this.created.push(run);
  }

  /** Takes a run to create out of the batch being built; false when it is not (or no longer) in it. */
  removeRun(runId: string): boolean {
    const index = this.created.findIndex((r) => r.id === runId);
    if (index < 0) return false;
    this.created.splice(index, 1);
    return true;
  }

  add(e: RunEvent): void {
    this.events.push(e);
    let patch = this.runs.get(e.runId);
    if (!patch) {
      patch = { id: e.runId, lastSeq: e.seq };
      this.runs.set(e.runId, patch);
    } else if (e.seq > patch.lastSeq) patch.lastSeq = e.seq;

    switch (e.type) {
      case 'RUN_STARTED':
        setStatus(patch, 'RUNNING');
        patch.startedAt = e.at;
        break;
      case 'NODE_STARTED': {
        const node = this.node(e.runId, e.nodeId);
        node.running = e.data.iteration;
        if (node.lastIteration < e.data.iteration) node.lastIteration = e.data.iteration;
        const row = this.row(node, e, e.data.iteration);
        row.status = 'RUNNING';
        row.attempts = e.attempt;
        row.startedAt ??= e.at;
        break;
      }
      case 'NODE_RETRYING': {
        const row = this.row(this.node(e.runId, e.nodeId), e, e.data.iteration);
        row.status = 'RETRYING';
        row.error = e.data.error;
        break;
      }
      case 'NODE_SUCCEEDED':
      case 'NODE_FAILED': {
        const node = this.node(e.runId, e.nodeId);
        node.running = undefined;
        const row = this.row(node, e, e.data.iteration);
        row.status = e.type === 'NODE_SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
        if (e.type === 'NODE_SUCCEEDED') patch.progressed = true;
        row.attempts = e.attempt;
        row.finishedAt = e.at;
        row.durationMs = Math.round(e.data.durationMs);
        row.error = e.type === 'NODE_FAILED' ? e.data.error : null;
        break;
      }
      case 'NODE_SKIPPED': {
        const node = this.node(e.runId, e.nodeId);
        const iteration = node.running ?? node.lastIteration + 1;
        node.running = undefined;
        node.lastIteration = iteration;
        const row = this.row(node, e, iteration);
        row.status = 'SKIPPED';
        row.finishedAt = e.at;
        break;
      }
      case 'LOG':
      case 'CUSTOM':
      case 'STATE_PATCHED':
      case 'MAP_ITEM_STARTED':
      case 'MAP_ITEM_RETRYING':
      case 'MAP_ITEM_FAILED':
        break;
      case 'STEP_COMPLETED':
      case 'MAP_ITEM_SUCCEEDED':
      case 'INTERRUPT_REQUESTED':
      case 'INTERRUPT_ANSWERED':
      case 'INTERRUPT_TIMED_OUT':
        // Recorded work and answers are progress (the recovery count starts over).
        patch.progressed = true;
        break;
      case 'RUN_SUSPENDED':
        setStatus(patch, 'WAITING');
        patch.wakeAt = e.data.wakeAt ?? null;
        break;
      case 'RUN_PAUSED':
        setStatus(patch, 'PAUSED');
        break;
      case 'RUN_RESUMED':
      case 'RUN_UNPAUSED':
        setStatus(patch, 'RUNNING');
        break;
      case 'RUN_SUCCEEDED':
      case 'RUN_CANCELLED':
        setStatus(patch, e.type === 'RUN_SUCCEEDED' ? 'SUCCEEDED' : 'CANCELLED');
        patch.state = e.data.state;
        patch.finishedAt = e.at;
        this.tracks.delete(e.runId);
        break;
      case 'RUN_FAILED':
        setStatus(patch, 'FAILED');
        patch.state = e.data.state;
        patch.error = e.data.error;
        patch.finishedAt = e.at;
        this.tracks.delete(e.runId);
        break;
      default:
        assertNever(e, 'run event');
    }
  }

  /** Hands over what was added since the last take. */
  take(): CommitBatch {
    const batch: CommitBatch = {
      created: this.created,
      events: this.events,
      runs: [...this.runs.values()],
      nodes: [...this.nodes].map((r) => ({ ...r })),
    };
    this.created = [];
    this.events = [];
    this.runs = new Map();
    this.nodes = new Set();
    return batch;
  }

  /** Forgets a run's node memory (its execution stopped without a terminal event). */
  untrack(runId: string): void {
    this.tracks.delete(runId);
  }

  private node(runId: string, nodeId: string): NodeTrack {
    let track = this.tracks.get(runId);
    if (!track) {
      track = new Map();
      this.tracks.set(runId, track);
    }
    let node = track.get(nodeId);
    if (!node) {
      node = { running: undefined, lastIteration: 0, rows: new Map() };
      track.set(nodeId, node);
    }
    return node;
  }

  private row(
    node: NodeTrack,
    e: { runId: string; nodeId: string; seq: number },
    iteration: number,
  ): NodeRow {
    let row = node.rows.get(iteration);
    if (!row) {
      row = {
        runId: e.runId,
        nodeId: e.nodeId,
        iteration,
        seq: e.seq,
        status: 'RUNNING',
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        error: null,
      };
      node.rows.set(iteration, row);
    }
    this.nodes.add(row);
    return row;
  }
}
