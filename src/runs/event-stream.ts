import { type RunEvent, TERMINAL_EVENT_TYPES } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { DEFAULT_TENANT, isActive, type RunEventBus, type RunStore } from './ports.js';
import { createQuietTicks, createSharedReads } from './shared-reads.js';

/** Quiet time after which the store is polled: short when another process runs the run. */
export const POLL_REMOTE_MS = 500;
export const POLL_LOCAL_MS = 5_000;
const PAGE = 1_000;

export interface EventStreamDeps {
  store: RunStore;
  bus: RunEventBus;
  /** True while this process executes the run (its events reach the local bus at once). */
  isLocal(runId: string): boolean;
  pollRemoteMs?: number;
  pollLocalMs?: number;
}

/** How a stream ends when the server stops before the run does: follow it elsewhere. */
export function shuttingDown(runId: string | undefined, afterSeq?: number): AppError {
  return new AppError(
    'SHUTTING_DOWN',
    runId
      ? `The server is shutting down; run "${runId}" is still going. Resubscribe with afterSeq: ${afterSeq} after the restart or on another server.`
      : 'The server is shutting down; resubscribe after the restart or on another server.',
    runId ? { runId, afterSeq } : {},
  );
}

/**
 * Every event after `afterSeq` exactly once and in order, whenever the client subscribes: the
 * live subscription opens first (buffering), stored events are replayed, then live ones follow,
 * skipping what the replay already gave. Events are published only after they are stored, so
 * nothing falls between the two. When the bus is quiet the store is polled, so a run executed by
 * another process (PostgreSQL, several servers) streams too. Ends after the terminal event.
 * Throws NOT_FOUND for an unknown run (or one of another tenant); a subscriber too slow for the
 * bus fails with SUBSCRIBER_TOO_SLOW (resubscribe with the last seq seen), and with SHUTTING_DOWN
 * when the server stops before the run ends.
 */
export function createEventStream(deps: EventStreamDeps) {
  const { store, bus } = deps;
  const pollRemoteMs = deps.pollRemoteMs ?? POLL_REMOTE_MS;
  const pollLocalMs = deps.pollLocalMs ?? POLL_LOCAL_MS;
  // Streams of one run ask the same questions at the same time: one read and one timer for all.
  const shared = createSharedReads();
  const quiet = createQuietTicks();
  const getRun = (runId: string) => shared(`run ${runId}`, () => store.getRun(runId));
  const listEvents = (runId: string, afterSeq: number) =>
    shared(`events ${runId} ${afterSeq}`, () => store.listEvents(runId, afterSeq, PAGE));

  return async function* events(
    runId: string,
    afterSeq = 0,
    tenantId = DEFAULT_TENANT,
  ): AsyncGenerator<RunEvent> {
    const live = bus.subscribe('run:event', runId);
    let last = afterSeq;
    let finished = false;
    const localKey = `${runId} local`;
    const remoteKey = `${runId} remote`;
    const fromStore = async function* () {
      for (;;) {
        const page = await listEvents(runId, last);
        for (const e of page) {
          last = e.seq;
          yield e;
          if (TERMINAL_EVENT_TYPES.has(e.type)) {
            finished = true;
            return;
          }
        }
        if (page.length < PAGE) return;
      }
    };
    try {
      const run = await getRun(runId);
      // Another tenant's run does not exist for this caller.
      if (!run || run.tenantId !== tenantId) throw notFound('Run', runId);
      yield* fromStore();
      // A finished run stores its events and its end in one commit: if the replay did not reach
      // the terminal event, the client already has it (afterSeq at or past it).
      if (!finished && !isActive(run.status)) return;
      let pending: Promise<IteratorResult<RunEvent>> | null = null;
      while (!finished) {
        // Buffered events are taken without a promise or a timer; waiting streams of one run
        // share one quiet timer (not one each per event, 1,000 with 1,000 subscribers).
        let e = pending ? undefined : live.poll();
        if (e === undefined) {
          pending ??= live.next();
          const local = deps.isLocal(runId);
          const tick = quiet(local ? localKey : remoteKey, local ? pollLocalMs : pollRemoteMs);
          const next = await Promise.race([pending, tick.fired]);
          tick.done(next !== 'quiet');
          if (next === 'quiet') {
            yield* fromStore();
            if (finished) return;
            // A cursor at or past the end of a run that has ended meanwhile: nothing more comes.
            const now = await getRun(runId);
            if (!now || (!isActive(now.status) && last >= now.lastSeq)) return;
            continue;
          }
          pending = null;
          // The bus ended the subscription (shutdown) before the run's end: not a `complete`.
          if (next.done) throw shuttingDown(runId, last);
          e = next.value;
        }
        // Already seen; but a terminal event at or before the cursor still ends the stream.
        if (e.seq <= last) {
          if (TERMINAL_EVENT_TYPES.has(e.type)) return;
          continue;
        }
        if (e.seq > last + 1) {
          // A gap (this process missed a publish): the store has the events in between.
          yield* fromStore();
          continue;
        }
        last = e.seq;
        yield e;
        if (TERMINAL_EVENT_TYPES.has(e.type)) return;
      }
    } finally {
      await live.return();
    }
  };
}
