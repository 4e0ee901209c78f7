import { resolveCursorConnection } from '@pothos/plugin-relay';
import { RUN_EVENT_TYPES, type RunEvent } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { builder } from './builder.js';

export const RunEventTypeEnum = builder.enumType('RunEventType', { values: RUN_EVENT_TYPES });

/** Fields every event may carry (node events always, LOG and CUSTOM sometimes). */
type AnyRunEvent = RunEvent & {
  nodeId?: string;
  attempt?: number;
  traceId?: string;
  spanId?: string;
};

/** The engine's event type, as stored and as published: no row to convert it into and back. */
export const RunEventRef = builder.objectRef<RunEvent>('RunEvent').implement({
  description: 'One step of a run. seq starts at 1 and has no gaps within a run.',
  fields: (t) => ({
    runId: t.exposeID('runId'),
    seq: t.exposeInt('seq'),
    type: t.field({ type: RunEventTypeEnum, resolve: (e) => e.type }),
    nodeId: t.string({ nullable: true, resolve: (e) => (e as AnyRunEvent).nodeId ?? null }),
    attempt: t.int({ nullable: true, resolve: (e) => (e as AnyRunEvent).attempt ?? null }),
    // Epoch ms as stored: DateTime formats it (once for all subscribers of the event).
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
    traceId: t.string({
      nullable: true,
      description: 'The OpenTelemetry trace of the run, when the server traces (OTEL_* set).',
      resolve: (e) => (e as AnyRunEvent).traceId ?? null,
    }),
    spanId: t.string({
      nullable: true,
      description: 'The span of the event: its node attempt, or the run.',
      resolve: (e) => (e as AnyRunEvent).spanId ?? null,
    }),
    data: t.field({
      type: 'JSON',
      description:
        'Type-specific payload: the patch of NODE_SUCCEEDED, the error of NODE_FAILED...',
      resolve: (e) => e.data,
    }),
  }),
});

/** Event cursors are the event's seq. */
function seqOf(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const seq = Number(cursor);
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new AppError('BAD_USER_INPUT', `"${cursor}" is not an event cursor.`, { cursor });
  return seq;
}

builder.prismaObjectField('Run', 'events', (t) =>
  t.connection(
    {
      type: RunEventRef,
      description: 'The stored events of the run in seq order, paged (cursor: the seq).',
      args: { afterSeq: t.arg.int({ description: 'Only events with a larger seq.' }) },
      resolve: (run, args, ctx) =>
        resolveCursorConnection<Promise<RunEvent[]>>(
          { args, toCursor: (e: RunEvent) => String(e.seq), defaultSize: 50, maxSize: 1000 },
          ({ before, after, limit, inverted }): Promise<RunEvent[]> => {
            const afterSeq = Math.max(args.afterSeq ?? 0, seqOf(after) ?? 0);
            const beforeSeq = seqOf(before);
            return ctx.runs.eventPage(run.id, {
              afterSeq,
              ...(beforeSeq !== undefined ? { beforeSeq } : {}),
              limit,
              fromEnd: inverted,
            });
          },
        ),
    },
    { name: 'RunEventsConnection' },
    { name: 'RunEventsConnectionEdge' },
  ),
);

builder.subscriptionField('runEvents', (t) =>
  t.field({
    type: RunEventRef,
    description:
      'Stored events after afterSeq, then live ones as they happen; completes after the run ends. Reconnect with the last seq seen to resume without gaps or duplicates.',
    args: {
      runId: t.arg.id({ required: true }),
      afterSeq: t.arg.int({ defaultValue: 0 }),
    },
    // The run is looked up in the caller's tenant first: another tenant's run is refused when
    // the subscription is made (NOT_FOUND), before any event could flow. Its tenant is known
    // without a read while the run executes here (1,000 subscribers attach without 1,000 reads).
    subscribe: async (_root, args, ctx) => {
      const runId = String(args.runId);
      if ((await ctx.runs.tenantOf(runId)) !== ctx.identity.tenantId) throw notFound('Run', runId);
      return ctx.runs.events(runId, args.afterSeq ?? 0, ctx.identity.tenantId);
    },
    resolve: (event) => event,
  }),
);
