import { builder } from './builder.js';

const Health = builder.objectRef<{ ok: boolean }>('Health').implement({
  description: 'Liveness and what the server runs on.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    version: t.string({ resolve: (_h, _a, ctx) => ctx.version }),
    database: t.string({
      description: 'The database provider: sqlite or postgresql.',
      resolve: (_h, _a, ctx) => ctx.provider,
    }),
    uptimeSeconds: t.float({
      resolve: (_h, _a, ctx) => (Date.now() - ctx.startedAt.getTime()) / 1000,
    }),
    activeRuns: t.int({ resolve: (_h, _a, ctx) => ctx.runs.stats().active }),
    queuedRuns: t.int({ resolve: (_h, _a, ctx) => ctx.runs.stats().queued }),
  }),
});

builder.queryField('health', (t) =>
  t.field({
    type: Health,
    resolve: async (_root, _args, ctx) => {
      await ctx.prisma.$queryRawUnsafe('SELECT 1');
      return { ok: true };
    },
  }),
);
