import type { Overlap } from '../triggers/ports.js';
import { builder } from './builder.js';

export const OverlapEnum = builder.enumType('ScheduleOverlap', {
  description: "What a fire does while the schedule's previous run is still active.",
  values: {
    SKIP: { value: 'SKIP' as Overlap, description: 'No run for this fire.' },
    ENQUEUE: {
      value: 'ENQUEUE' as Overlap,
      description: 'The run waits QUEUED and starts when the previous one ends.',
    },
    CANCEL_PREVIOUS: {
      value: 'CANCEL_PREVIOUS' as Overlap,
      description: 'The previous run is cancelled, then the new one starts.',
    },
  },
});

const ScheduleInput = builder.inputType('ScheduleInput', {
  fields: (t) => ({
    cron: t.string({
      required: true,
      description:
        'A cron expression (croner): 5 fields ("0 9 * * 1-5"), or 6 with seconds first; @daily and the like.',
    }),
    timezone: t.string({ description: 'An IANA time zone the expression is read in (UTC).' }),
    input: t.field({ type: 'JSON', description: "Each run's input: a JSON object ({})." }),
    overlap: t.field({ type: OverlapEnum, description: 'SKIP unless said.' }),
  }),
});

builder.prismaObject('Schedule', {
  description:
    'Starts runs of a graph on a cron schedule. Each fire happens once, whatever the number of servers; after downtime at most one missed fire is caught up.',
  fields: (t) => ({
    id: t.exposeID('id'),
    graph: t.relation('graph'),
    cron: t.exposeString('cron'),
    timezone: t.exposeString('timezone'),
    input: t.field({ type: 'JSON', resolve: (s) => s.input }),
    overlap: t.field({ type: OverlapEnum, resolve: (s) => s.overlap as Overlap }),
    paused: t.exposeBoolean('paused'),
    nextFireAt: t.expose('nextFireAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The next fire (null when paused forever or the expression has no more).',
    }),
    lastFireAt: t.expose('lastFireAt', { type: 'DateTime', nullable: true }),
    lastRun: t.prismaField({
      type: 'Run',
      nullable: true,
      description: 'The run the last fire started (none when it was skipped).',
      select: { lastRunId: true, tenantId: true },
      resolve: (query, s, _args, ctx) =>
        s.lastRunId
          ? ctx.prisma.run.findFirst({ ...query, where: { id: s.lastRunId, tenantId: s.tenantId } })
          : null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  schedule: t.prismaField({
    type: 'Schedule',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.schedule.findFirst({
        ...query,
        where: { id: String(args.id), tenantId: ctx.identity.tenantId },
      }),
  }),
  schedules: t.prismaConnection(
    {
      type: 'Schedule',
      cursor: 'id',
      description: "The tenant's schedules (of one graph when graphId is given), newest first.",
      args: { graphId: t.arg.id() },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.schedule.findMany({
          ...query,
          where: {
            tenantId: ctx.identity.tenantId,
            ...(args.graphId ? { graphId: String(args.graphId) } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'ScheduleConnection' },
    { name: 'ScheduleEdge' },
  ),
}));

builder.mutationFields((t) => ({
  createSchedule: t.prismaField({
    type: 'Schedule',
    description: 'Creates a schedule of the graph; its first fire is the next one after now.',
    args: {
      graphId: t.arg.id({ required: true }),
      input: t.arg({ type: ScheduleInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const created = await ctx.schedules.create(ctx.identity.tenantId, String(args.graphId), {
        cron: args.input.cron,
        timezone: args.input.timezone ?? null,
        input: args.input.input ?? {},
        overlap: args.input.overlap ?? null,
      });
      return ctx.prisma.schedule.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  pauseSchedule: t.prismaField({
    type: 'Schedule',
    description: 'Pauses a schedule: no fire until it is resumed.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const s = await ctx.schedules.setPaused(String(args.id), ctx.identity.tenantId, true);
      return ctx.prisma.schedule.findUniqueOrThrow({ ...query, where: { id: s.id } });
    },
  }),
  resumeSchedule: t.prismaField({
    type: 'Schedule',
    description:
      'Resumes a paused schedule from its next fire after now (missed fires are not run).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const s = await ctx.schedules.setPaused(String(args.id), ctx.identity.tenantId, false);
      return ctx.prisma.schedule.findUniqueOrThrow({ ...query, where: { id: s.id } });
    },
  }),
  deleteSchedule: t.boolean({
    description: 'Deletes a schedule (its runs stay); NOT_FOUND when the tenant has none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.schedules.delete(String(args.id), ctx.identity.tenantId),
  }),
}));
