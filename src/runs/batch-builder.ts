import { assertNever, type RunEvent } from '../engine/index.js';
import type { CommitBatch, NewRun, NodeRow, RunPatch, RunStatus } from './ports.js';

function setStatus(patch: RunPatch, status: RunStatus): void {
  patch.status = status;
  if (patch.transitions) patch.transitions.push(status);
  else patch.transitions = [status];
}

interface RunTrack {
  /** nodeId -> iteration currently running (between NODE_STARTED and its outcome). */
  running: Map<string, number>;
  /** nodeId -> highest iteration seen. */
  lastIteration: Map<string, number>;
  rows: Map<string, NodeRow>;
}

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
  private nodes = new Map<string, NodeRow>();

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
        const track = this.track(e.runId);
        track.running.set(e.nodeId, e.data.iteration);
        if ((track.lastIteration.get(e.nodeId) ?? 0) < e.data.iteration)
          track.lastIteration.set(e.nodeId, e.data.iteration);
        const row = this.row(track, e, e.data.iteration);
        row.status = 'RUNNING';
        row.attempts = e.attempt;
        row.startedAt ??= e.at;
        break;
      }
      case 'NODE_RETRYING': {
        const row = this.row(this.track(e.runId), e, e.data.iteration);
        row.status = 'RETRYING';
        row.error = e.data.error;
        break;
      }
      case 'NODE_SUCCEEDED':
      case 'NODE_FAILED': {
        const track = this.track(e.runId);
        track.running.delete(e.nodeId);
        const row = this.row(track, e, e.data.iteration);
        row.status = e.type === 'NODE_SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
        if (e.type === 'NODE_SUCCEEDED') patch.progressed = true;
        row.attempts = e.attempt;
        row.finishedAt = e.at;
        row.durationMs = Math.round(e.data.durationMs);
        row.error = e.type === 'NODE_FAILED' ? e.data.error : null;
        break;
      }
      case 'NODE_SKIPPED': {
        const track = this.track(e.runId);
        const running = track.running.get(e.nodeId);
        const iteration = running ?? (track.lastIteration.get(e.nodeId) ?? 0) + 1;
        track.running.delete(e.nodeId);
        track.lastIteration.set(e.nodeId, iteration);
        const row = this.row(track, e, iteration);
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
      nodes: [...this.nodes.values()].map((r) => ({ ...r })),
    };
    this.created = [];
    this.events = [];
    this.runs = new Map();
    this.nodes = new Map();
    return batch;
  }

  /** Forgets a run's node memory (its execution stopped without a terminal event). */
  untrack(runId: string): void {
    this.tracks.delete(runId);
  }

  private track(runId: string): RunTrack {
    let t = this.tracks.get(runId);
    if (!t) {
      t = { running: new Map(), lastIteration: new Map(), rows: new Map() };
      this.tracks.set(runId, t);
    }
    return t;
  }

  private row(
    track: RunTrack,
    e: { runId: string; nodeId: string; seq: number },
    iteration: number,
  ): NodeRow {
    const { runId, nodeId } = e;
    const key = `${nodeId}\u0000${iteration}`;
    let row = track.rows.get(key);
    if (!row) {
      row = {
        runId,
        nodeId,
        iteration,
        seq: e.seq,
        status: 'RUNNING',
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        error: null,
      };
      track.rows.set(key, row);
    }
    this.nodes.set(`${runId}\u0000${key}`, row);
    return row;
  }
}
