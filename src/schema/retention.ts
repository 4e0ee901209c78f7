import { builder } from './builder.js';

builder.mutationFields((t) => ({
  purgeGraph: t.int({
    description:
      'Removes an archived graph with every run, event and version (GRAPH_NOT_ARCHIVED otherwise: deleteGraph first). Returns the number of runs removed.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.retention.purgeGraph(String(args.id), ctx.identity.tenantId),
  }),
  setGraphRetention: t.prismaField({
    type: 'Graph',
    description:
      'How long finished runs of the graph are kept: days (0: forever), or null for the server default (RETENTION_DAYS).',
    args: {
      id: t.arg.id({ required: true }),
      retentionDays: t.arg.int({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      await ctx.retention.setRetention(
        String(args.id),
        ctx.identity.tenantId,
        args.retentionDays ?? null,
      );
      return ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: String(args.id) } });
    },
  }),
}));
