import type { ErrorInfo } from '../engine/index.js';
import { RUN_STATUSES, type RunRecord, type RunStatus } from '../runs/ports.js';
import { builder } from './builder.js';
import { RunBudgetInput, toRunBudget } from './graph-input.js';
import { asRow, sharedRead } from './run-row.js';

export const RunStatusEnum = builder.enumType('RunStatus', {
  values: RUN_STATUSES,
});

export const NodeStatusEnum = builder.enumType('NodeStatus', {
  values: ['RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const,
});

export const RunError = builder.objectRef<ErrorInfo>('RunError').implement({
  description: 'Why a run or node failed: a stable code, a message saying how to fix it.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    nodeId: t.exposeString('nodeId', { nullable: true }),
    details: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.details ?? null }),
  }),
});

builder.prismaObject('NodeExecution', {
  description: 'One activation (iteration) of a node in a run.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    iteration: t.exposeInt('iteration'),
    status: t.field({ type: NodeStatusEnum, resolve: (n) => n.status as 'RUNNING' }),
    attempts: t.exposeInt('attempts'),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    error: t.field({
      type: RunError,
      nullable: true,
      resolve: (n) => (n.error as ErrorInfo | null) ?? null,
    }),
  }),
});

builder.prismaObject('Run', {
  description: 'A run of one graph version, with its full execution history.',
  fields: (t) => ({
    id: t.exposeID('id'),
    // Only when the row has no graph loaded: a held row (startRun, runUpdated) reads it once per
    // record, shared by every subscriber of the update; findUnique calls of one tick are batched.
    graph: t.relation('graph', {
      resolve: (query, r, _args, ctx) =>
        sharedRead(r, `graph ${JSON.stringify(query)}`, () =>
          ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: r.graphId } }),
        ),
    }),
    graphVersion: t.int({
      description: 'The graph version this run pinned.',
      select: { graphVersion: { select: { version: true } } },
      // A record from the run service (startRun, runUpdated) says it itself, or is looked up.
      resolve: async (r, _args, ctx) =>
        r.graphVersion?.version ??
        (
          await sharedRead(r, 'graphVersion', () =>
            ctx.prisma.graphVersion.findUniqueOrThrow({
              where: { id: r.graphVersionId },
              select: { version: true },
            }),
          )
        ).version,
    }),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status as RunStatus }),
    input: t.field({ type: 'JSON', resolve: (r) => r.input }),
    state: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The state now: current while the run is active, final once it ends.',
      resolve: (r, _args, ctx) => sharedRead(r, 'state', () => ctx.runs.currentState(r)),
    }),
    error: t.field({
      type: RunError,
      nullable: true,
      resolve: (r) => (r.error as ErrorInfo | null) ?? null,
    }),
    lastSeq: t.exposeInt('lastSeq', { description: 'seq of the last stored event.' }),
    concurrencyKey: t.exposeString('concurrencyKey', {
      nullable: true,
      description:
        'Runs with the same key never execute at once (`graph:<id>:<value>` from the graph policy, `schedule:<id>`).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    compactedAt: t.expose('compactedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'Set when retention compacted the run (RETENTION_MODE=compact): its events are RUN_STARTED and its final event; state, error and nodes are kept.',
    }),
    nodes: t.relation('nodes', {
      description: 'Per-node executions, in start order, to draw the run.',
      query: {
        orderBy: [{ seq: 'asc' }, { nodeId: 'asc' }],
      },
      resolve: (query, r, _args, ctx) =>
        sharedRead(r, `nodes ${JSON.stringify(query)}`, () =>
          // findUnique: Prisma batches those of one tick (a list of rows is one query).
          ctx.prisma.run.findUniqueOrThrow({ where: { id: r.id } }).nodes(query),
        ),
    }),
  }),
});

builder.queryFields((t) => ({
  run: t.prismaField({
    type: 'Run',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.run.findFirst({
        ...query,
        where: { id: String(args.id), tenantId: ctx.identity.tenantId },
      }),
  }),
  runs: t.prismaConnection(
    {
      type: 'Run',
      cursor: 'id',
      args: {
        graphId: t.arg.id(),
        status: t.arg({ type: RunStatusEnum }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.run.findMany({
          ...query,
          where: {
            tenantId: ctx.identity.tenantId,
            ...(args.graphId ? { graphId: String(args.graphId) } : {}),
            ...(args.status ? { status: args.status } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'RunConnection' },
    { name: 'RunEdge' },
  ),
}));

builder.mutationFields((t) => ({
  startRun: t.prismaField({
    type: 'Run',
    description:
      'Starts a run of the latest graph version (or `version`) and returns at once (QUEUED). With an `idempotencyKey` already used for this graph within the idempotency window, returns the run it started instead (IDEMPOTENCY_KEY_REUSED when the input or version differ). A paused graph (pauseGraph) still accepts the run: it stays QUEUED until unpauseGraph.',
    args: {
      graphId: t.arg.id({ required: true }),
      input: t.arg({ type: 'JSON', description: 'The initial state: a JSON object.' }),
      version: t.arg.int({
        description: 'The graph version to run (default: the latest); VERSION_NOT_FOUND if none.',
      }),
      idempotencyKey: t.arg.string({
        description:
          'Per tenant and graph: a repeat within IDEMPOTENCY_WINDOW_MS (24 h) returns the same run.',
      }),
      budget: t.arg({
        type: RunBudgetInput,
        description: "This run's budget, over the graph's limits.budget (field by field).",
      }),
      threadId: t.arg.id({
        description:
          "The thread (conversation) the run belongs to: created on first use, per tenant; its llm and agent nodes see the thread's messages and append theirs. INVALID_THREAD_ID unless 1-128 of A-Z a-z 0-9 _ - . : @",
      }),
    },
    resolve: async (_query, _root, args, ctx) =>
      asRow(
        await ctx.runs.start(String(args.graphId), args.input ?? {}, ctx.identity.tenantId, {
          version: args.version ?? null,
          idempotencyKey: args.idempotencyKey ?? null,
          ...(args.budget ? { budget: toRunBudget(args.budget) } : {}),
          ...(args.threadId != null ? { threadId: String(args.threadId) } : {}),
        }),
      ),
  }),
  cancelRun: t.prismaField({
    type: 'Run',
    description: 'Cancels a run: its running tools are aborted, nothing else starts.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_query, _root, args, ctx) =>
      asRow(await ctx.runs.cancel(String(args.id), ctx.identity.tenantId)),
  }),
}));

builder.subscriptionField('runUpdated', (t) =>
  t.prismaField({
    type: 'Run',
    description: 'Status changes of runs (of one graph when graphId is given), for dashboards.',
    args: { graphId: t.arg.id() },
    // Each update carries the run as it was at that status, one row for all its subscribers:
    // what a field reads beyond it (graph, nodes, state) is read once per update (run-row.ts).
    subscribe: (_root, args, ctx) =>
      ctx.runs.updates(
        ctx.identity.tenantId,
        args.graphId ? String(args.graphId) : undefined,
      ) as Promise<AsyncIterable<never>>,
    resolve: (_query, update: RunRecord) => asRow(update),
  }),
);
