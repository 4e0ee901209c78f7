/**
 * forkRun, retryRun and a run's state at any event. A fork or retry is a new run (linked to its
 * parent) whose log starts with a rewrite of the parent's (fork-history.ts), checked by replaying
 * it on the chosen graph version before anything is stored, then resumed like a run after a
 * restart: nothing before the fork point runs again.
 */
import {
  EngineError,
  isReservedKey,
  type Patch,
  type RunEvent,
  replayEvents,
  type State,
} from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { EventWriter } from './event-writer.js';
import { forkHistory, retryHistory } from './fork-history.js';
import type { GraphVersions } from './graph-versions.js';
import { loadEvents } from './load-events.js';
import {
  type GraphVersionRecord,
  isActive,
  type RunRecord,
  type RunStatus,
  type RunStore,
} from './ports.js';
import { REPLAY_STARTED, type ReplayMarker } from './replay.js';
import type { Job } from './run-pool.js';
import type { RunStateSource } from './run-service-contract.js';

export interface ForkInput {
  fromNode: string;
  iteration?: number | null;
  statePatch?: unknown;
  /** The graph version to run; default: the source run's. */
  graphVersion?: number | null;
  /** Run the graph's latest version (instead of the source run's). */
  latest?: boolean | null;
}

export interface ReplayInput {
  /** The model of its llm and agent nodes (a name, or { provider, name }); default: theirs. */
  model?: unknown;
  /** Replay from this node (what ran before it is copied); default: from the start. */
  fromNode?: string | null;
}

export interface RetryInput {
  graphVersion?: number | null;
  latest?: boolean | null;
}

export interface ForkerDeps {
  store: RunStore;
  writer: EventWriter;
  versions: GraphVersions;
  owner: string;
  /** False while the server shuts down. */
  accepting(): boolean;
  enqueue(record: RunRecord, job: Job): void;
}

export function createForker(deps: ForkerDeps) {
  const { store, writer, versions, owner } = deps;

  async function source(runId: string, tenantId: string) {
    const run = await store.getRun(runId);
    if (!run || run.tenantId !== tenantId) throw notFound('Run', runId);
    return { run, events: await loadEvents(store, runId) };
  }

  async function versionFor(run: RunRecord, v: RetryInput): Promise<GraphVersionRecord> {
    if (v.latest) return versions.latest(run.graphId);
    if (v.graphVersion !== undefined && v.graphVersion !== null)
      return versions.numbered(run.graphId, v.graphVersion);
    const pinned = await store.getGraphVersion(run.graphVersionId);
    if (!pinned) throw notFound('Graph version', run.graphVersionId);
    return pinned;
  }

  /** Replays the new history on the version: a log it does not fit is refused, nothing stored. */
  function check(version: GraphVersionRecord, history: RunEvent[]) {
    const graph = versions.compile(version);
    try {
      const cp = replayEvents(graph, history);
      if (cp.status !== 'RUNNING') throw new Error(`the copied history ends ${cp.status}`);
    } catch (err) {
      const why = err instanceof EngineError || err instanceof Error ? err.message : String(err);
      throw new AppError(
        'FORK_MISMATCH',
        `The run's history up to that point does not fit version ${version.version} of the graph (${why}); choose its own version or one with the same nodes and edges before that point.`,
        { version: version.version },
      );
    }
    return graph;
  }

  async function launch(
    parent: RunRecord,
    version: GraphVersionRecord,
    id: string,
    history: RunEvent[],
    link: { parentSeq: number; origin: 'FORK' | 'RETRY' | 'REPLAY' },
  ): Promise<RunRecord> {
    const graph = check(version, history);
    if (!deps.accepting())
      throw new AppError('SHUTTING_DOWN', 'The server is shutting down; retry shortly.');
    const createdAt = Date.now();
    const stored = writer.createRun({
      id,
      tenantId: parent.tenantId,
      graphId: parent.graphId,
      graphVersionId: version.id,
      input: parent.input,
      owner,
      createdAt,
      parentRunId: parent.id,
      parentSeq: link.parentSeq,
      origin: link.origin,
    });
    // The copied log goes with the run's creation, in the same commit.
    for (const e of history) writer.emit(e);
    await stored;
    const record: RunRecord = {
      id,
      tenantId: parent.tenantId,
      graphId: parent.graphId,
      graphVersionId: version.id,
      status: 'QUEUED',
      input: parent.input,
      state: null,
      error: null,
      lastSeq: history.length,
      createdAt: new Date(createdAt),
      startedAt: null,
      finishedAt: null,
      pinnedVersion: version.version,
      parentRunId: parent.id,
      parentSeq: link.parentSeq,
      origin: link.origin,
    };
    deps.enqueue(record, {
      runId: id,
      graphId: parent.graphId,
      graph,
      input: parent.input,
      history,
    });
    return { ...record };
  }

  return {
    async fork(runId: string, input: ForkInput, tenantId: string): Promise<RunRecord> {
      const patch = statePatchOf(input.statePatch);
      const { run, events } = await source(runId, tenantId);
      const version = await versionFor(run, input);
      const graph = versions.compile(version);
      if (!graph.nodes.some((n) => n.id === input.fromNode))
        throw new AppError(
          'FORK_MISMATCH',
          `Version ${version.version} of the graph has no node "${input.fromNode}".`,
          { fromNode: input.fromNode, version: version.version },
        );
      const id = uuidv7();
      const planned = forkHistory(events, id, input, patch, Date.now());
      return launch(run, version, id, planned.events, {
        parentSeq: planned.cutSeq,
        origin: 'FORK',
      });
    },

    async retry(runId: string, input: RetryInput, tenantId: string): Promise<RunRecord> {
      const { run, events } = await source(runId, tenantId);
      if (run.status !== 'FAILED' && run.status !== 'CANCELLED')
        throw new AppError(
          'RUN_NOT_RETRYABLE',
          `Run ${runId} is ${run.status}: only a failed or cancelled run can be retried (fork it to run part of it again).`,
          { status: run.status },
        );
      const version = await versionFor(run, input);
      const id = uuidv7();
      const history = retryHistory(events, id, Date.now());
      return launch(run, version, id, history, { parentSeq: run.lastSeq, origin: 'RETRY' });
    },

    /**
     * A new run on the source's version whose model nodes call the model again (`model`, when
     * given) and whose other tool calls are answered from the source's record (replay.ts).
     */
    async replay(runId: string, input: ReplayInput, tenantId: string): Promise<RunRecord> {
      const { run, events } = await source(runId, tenantId);
      if (isActive(run.status))
        throw new AppError(
          'RUN_NOT_FINISHED',
          `Run ${runId} is ${run.status}: replay a run once it has finished.`,
          { status: run.status },
        );
      const version = await versionFor(run, {});
      const graph = versions.compile(version);
      const fromNode = input.fromNode ?? graph.entry.id;
      if (!graph.byId.has(fromNode))
        throw new AppError('FORK_MISMATCH', `The run's graph has no node "${fromNode}".`, {
          fromNode,
        });
      const id = uuidv7();
      const planned = forkHistory(events, id, { fromNode }, null, Date.now());
      const marker: ReplayMarker = {
        sourceRunId: run.id,
        ...(input.model !== undefined && input.model !== null ? { model: input.model } : {}),
        ...(input.fromNode ? { fromNode } : {}),
      };
      const history: RunEvent[] = [
        ...planned.events,
        {
          runId: id,
          seq: planned.events.length + 1,
          at: Date.now(),
          type: 'CUSTOM',
          data: { name: REPLAY_STARTED, payload: marker },
        },
      ];
      return launch(run, version, id, history, { parentSeq: planned.cutSeq, origin: 'REPLAY' });
    },

    /** The state of a run now: final when finished, else folded from its stored events. */
    async currentState(run: RunStateSource): Promise<State | null> {
      const stored = (run.state ?? null) as State | null;
      if (stored && !isActive(run.status as RunStatus)) return stored;
      const version = await store.getGraphVersion(run.graphVersionId);
      if (!version) return stored;
      const events = await loadEvents(store, run.id);
      if (events.length === 0) return run.input as State;
      return replayEvents(versions.compile(version), events).state;
    },

    /** The state right after event `seq` (the input before any event). */
    async stateAt(run: RunRecord, seq: number): Promise<State> {
      if (!Number.isInteger(seq) || seq < 0)
        throw new AppError('BAD_USER_INPUT', `seq must be a whole number from 0 (got ${seq}).`);
      if (seq === 0) return run.input;
      const events = (await loadEvents(store, run.id)).filter((e) => e.seq <= seq);
      const version = await store.getGraphVersion(run.graphVersionId);
      if (!version) throw notFound('Graph version', run.graphVersionId);
      return replayEvents(versions.compile(version), events).state;
    },
  };
}

function statePatchOf(value: unknown): Patch | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new AppError('BAD_USER_INPUT', 'statePatch must be a JSON object of state keys.');
  const reserved = Object.keys(value).filter(isReservedKey);
  if (reserved.length > 0)
    throw new AppError('BAD_USER_INPUT', `statePatch may not set ${reserved.join(', ')}.`, {
      keys: reserved,
    });
  return value as Patch;
}

export type Forker = ReturnType<typeof createForker>;
