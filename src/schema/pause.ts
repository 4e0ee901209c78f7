import { builder } from './builder.js';
import { asRow } from './run-row.js';

builder.mutationFields((t) => ({
  pauseRun: t.prismaField({
    type: 'Run',
    description:
      'Pauses a run at its next node boundary: its running tools finish, nothing new starts, and it becomes PAUSED (out of memory, no server owns it) until unpauseRun; cancelRun and forkRun work on it. A waiting interrupt or a retry delay does not hold the pause up. It answers once the run is PAUSED, or after 15 s with the run still RUNNING (a long node is still running; the run pauses when it finishes). PAUSED already: returned as it is; finished: RUN_NOT_ACTIVE.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_query, _root, args, ctx) =>
      asRow(await ctx.runs.pause(String(args.id), ctx.identity.tenantId)),
  }),
  unpauseRun: t.prismaField({
    type: 'Run',
    description:
      'Continues a PAUSED run from its log (the attempts the pause cut run again, a retry that was waiting runs at once); RUN_NOT_PAUSED when it is not paused. It runs even when its graph is paused.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_query, _root, args, ctx) =>
      asRow(await ctx.runs.unpause(String(args.id), ctx.identity.tenantId)),
  }),
}));

builder.mutationFields((t) => ({
  pauseGraph: t.prismaField({
    type: 'Graph',
    description:
      "Holds the graph's new and queued runs: startRun still accepts them and they stay QUEUED (no server claims them) until unpauseGraph. Runs already executing go on; pause them one by one with pauseRun.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const graph = await ctx.graphs.setPaused(String(args.id), true, ctx.identity.tenantId);
      return ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: graph.id } });
    },
  }),
  unpauseGraph: t.prismaField({
    type: 'Graph',
    description: "Lets the graph's held runs start (oldest first, within its concurrency policy).",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const graph = await ctx.graphs.setPaused(String(args.id), false, ctx.identity.tenantId);
      return ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: graph.id } });
    },
  }),
}));
