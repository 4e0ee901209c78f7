import { RUN_EVENT_TYPES, type RunEvent, TERMINAL_EVENT_TYPES } from '../engine/index.js';
import { notFound } from '../errors.js';
import type { RunEvent as RunEventRow } from '../generated/sqlite/client/client.js';
import { ACTIVE_STATUSES } from '../runs/types.js';
import { builder } from './builder.js';
import type { Context } from './context.js';

export const RunEventTypeEnum = builder.enumType('RunEventType', { values: RUN_EVENT_TYPES });

export const RunEventRef = builder.prismaObject('RunEvent', {
  description: 'One step of a run. seq starts at 1 and has no gaps within a run.',
  fields: (t) => ({
    runId: t.exposeID('runId'),
    seq: t.exposeInt('seq'),
    type: t.field({ type: RunEventTypeEnum, resolve: (e) => e.type as RunEvent['type'] }),
    nodeId: t.exposeString('nodeId', { nullable: true }),
    attempt: t.exposeInt('attempt', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
    data: t.field({
      type: 'JSON',
      description:
        'Type-specific payload: the patch of NODE_SUCCEEDED, the error of NODE_FAILED...',
      resolve: (e) => e.data,
    }),
  }),
});

function toRow(e: RunEvent): RunEventRow {
  const node = e as { nodeId?: string; attempt?: number };
  return {
    runId: e.runId,
    seq: e.seq,
    type: e.type,
    nodeId: node.nodeId ?? null,
    attempt: node.attempt ?? null,
    at: new Date(e.at),
    data: e.data as RunEventRow['data'],
  };
}

/** Quiet time after which the store is polled: short when another process runs the run. */
const POLL_REMOTE_MS = 500;
const POLL_LOCAL_MS = 5_000;

/**
 * Every event after `afterSeq` exactly once and in order, whenever the client subscribes: the
 * live subscription opens first (buffering), stored events are replayed, then live ones follow,
 * skipping what the replay already gave. Events are published only after they are stored, so
 * nothing falls between the two. When the bus is quiet the store is polled, so a run executed by
 * another process (PostgreSQL, several servers) streams too. Ends after the terminal event.
 */
export async function* runEventStream(
  ctx: Context,
  runId: string,
  afterSeq: number,
): AsyncGenerator<RunEventRow> {
  const live = ctx.bus.subscribeEvents(runId);
  let last = afterSeq;
  let finished = false;
  const fromStore = async function* () {
    for (;;) {
      const page = await ctx.store.listEvents(runId, last, 1_000);
      for (const e of page) {
        last = e.seq;
        yield toRow(e);
        if (TERMINAL_EVENT_TYPES.has(e.type)) {
          finished = true;
          return;
        }
      }
      if (page.length < 1_000) return;
    }
  };
  try {
    const run = await ctx.store.getRun(runId);
    if (!run) throw notFound('Run', runId);
    yield* fromStore();
    // A finished run stores its events and its end in one commit: if the replay did not reach
    // the terminal event, the client already has it (afterSeq at or past it).
    if (!finished && !ACTIVE_STATUSES.includes(run.status)) return;
    let pending: Promise<IteratorResult<RunEvent>> | null = null;
    while (!finished) {
      // Buffered events are taken without a promise or a timer: with 1,000 subscribers to one
      // run, that is 1,000 timers less per event.
      let e = pending ? undefined : live.poll();
      if (e === undefined) {
        pending ??= live.next();
        const quietMs = ctx.runs.isLocal(runId) ? POLL_LOCAL_MS : POLL_REMOTE_MS;
        let timer: NodeJS.Timeout | undefined;
        const next = await Promise.race([
          pending,
          new Promise<'quiet'>((resolve) => {
            timer = setTimeout(() => resolve('quiet'), quietMs);
          }),
        ]);
        clearTimeout(timer);
        if (next === 'quiet') {
          yield* fromStore();
          continue;
        }
        pending = null;
        if (next.done) return;
        e = next.value;
      }
      if (e.seq <= last) continue;
      if (e.seq > last + 1) {
        // A gap (this process missed a publish): the store has the events in between.
        yield* fromStore();
        continue;
      }
      last = e.seq;
      yield toRow(e);
      if (TERMINAL_EVENT_TYPES.has(e.type)) return;
    }
  } finally {
    await live.return();
  }
}

builder.subscriptionField('runEvents', (t) =>
  t.field({
    type: RunEventRef,
    description:
      'Stored events after afterSeq, then live ones as they happen; completes after the run ends. Reconnect with the last seq seen to resume without gaps or duplicates.',
    args: {
      runId: t.arg.id({ required: true }),
      afterSeq: t.arg.int({ defaultValue: 0 }),
    },
    subscribe: (_root, args, ctx) => runEventStream(ctx, String(args.runId), args.afterSeq ?? 0),
    resolve: (row) => row,
  }),
);
