/** Run control over the event log: forkRun, retryRun, parents and forks, the state at any event. */
import type { State } from '../engine/index.js';
import { builder } from './builder.js';
import { asRow } from './run-row.js';

const RunOriginEnum = builder.enumType('RunOrigin', {
  description: 'How a run was made from another one.',
  values: {
    FORK: { description: 'forkRun: from the start of one node execution, state maybe edited.' },
    RETRY: { description: 'retryRun: what succeeded kept, what failed run again.' },
    CHILD: { description: 'The child run of a sub-graph node of the parent.' },
    REPLAY: {
      description:
        'replayRun: its model calls made again, every other tool call answered from the parent’s record.',
    },
  } as const,
});

const ForkRunInput = builder.inputType('ForkRunInput', {
  fields: (t) => ({
    fromNode: t.string({
      required: true,
      description: 'The node to run again (and all after it).',
    }),
    iteration: t.int({
      description: 'Which execution of the node (1-based); default: its latest.',
    }),
    statePatch: t.field({
      type: 'JSON',
      description: 'State keys set outright at the fork point (the edited state).',
    }),
    graphVersion: t.int({ description: "The graph version to run; default: the source run's." }),
    latest: t.boolean({ description: "Run the graph's latest version." }),
  }),
});

interface StateChange {
  key: string;
  before: unknown;
  after: unknown;
}
const StateChangeRef = builder.objectRef<StateChange>('StateChange').implement({
  description: 'One state key that differs: its value before and after (null when absent).',
  fields: (t) => ({
    key: t.exposeString('key'),
    before: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.before ?? null }),
    after: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.after ?? null }),
  }),
});

builder.prismaObjectFields('Run', (t) => ({
  origin: t.field({
    type: RunOriginEnum,
    nullable: true,
    resolve: (r) => (r.origin as 'FORK' | 'RETRY' | 'CHILD' | 'REPLAY' | null) ?? null,
  }),
  parentSeq: t.exposeInt('parentSeq', {
    nullable: true,
    description: "A fork or retry: the parent's events it copied end before this seq.",
  }),
  parent: t.prismaField({
    type: 'Run',
    nullable: true,
    description: 'The run this one was forked or retried from, or whose sub-graph node started it.',
    resolve: (query, run, _args, ctx) =>
      run.parentRunId
        ? ctx.prisma.run.findFirst({
            ...query,
            where: { id: run.parentRunId, tenantId: ctx.identity.tenantId },
          })
        : null,
  }),
  forks: t.prismaField({
    type: ['Run'],
    description: 'Runs forked, retried or replayed from this one, oldest first (at most 100).',
    resolve: (query, run, _args, ctx) =>
      ctx.prisma.run.findMany({
        ...query,
        where: {
          parentRunId: run.id,
          tenantId: ctx.identity.tenantId,
          origin: { in: ['FORK', 'RETRY', 'REPLAY'] },
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 100,
      }),
  }),
  children: t.prismaField({
    type: ['Run'],
    description: "The child runs of this run's sub-graph nodes, oldest first (at most 1,000).",
    resolve: (query, run, _args, ctx) =>
      ctx.prisma.run.findMany({
        ...query,
        where: { parentRunId: run.id, tenantId: ctx.identity.tenantId, origin: 'CHILD' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 1_000,
      }),
  }),
  stateAt: t.field({
    type: 'JSON',
    description: 'The state right after event `seq` (0: the input).',
    args: { seq: t.arg.int({ required: true }) },
    resolve: (run, { seq }, ctx) => ctx.runs.stateAt(run.id, seq, ctx.identity.tenantId),
  }),
}));

const Point = builder.inputType('RunPoint', {
  description: 'A run, at an event (default: now).',
  fields: (t) => ({ runId: t.id({ required: true }), seq: t.int() }),
});

builder.queryField('stateDiff', (t) =>
  t.field({
    type: [StateChangeRef],
    description:
      'The state keys that differ between two points (two runs, or one run at two events), by key.',
    args: {
      from: t.arg({ type: Point, required: true }),
      to: t.arg({ type: Point, required: true }),
    },
    resolve: async (_root, { from, to }, ctx) => {
      const at = async (p: { runId: string | number; seq?: number | null }): Promise<State> => {
        const tenant = ctx.identity.tenantId;
        if (p.seq !== undefined && p.seq !== null)
          return ctx.runs.stateAt(String(p.runId), p.seq, tenant);
        const run = await ctx.runs.get(String(p.runId), tenant);
        return (await ctx.runs.currentState(run)) ?? {};
      };
      return diffStates(await at(from), await at(to));
    },
  }),
);

builder.mutationFields((t) => ({
  forkRun: t.prismaField({
    type: 'Run',
    description:
      'A new run that copies this run up to the start of a node execution, applies the state patch, and goes on from there (on the same or another graph version). Nothing before the fork point runs again.',
    args: {
      runId: t.arg.id({ required: true }),
      input: t.arg({ type: ForkRunInput, required: true }),
    },
    resolve: async (_query, _root, { runId, input }, ctx) =>
      asRow(await ctx.runs.fork(String(runId), input, ctx.identity.tenantId)),
  }),
  replayRun: t.prismaField({
    type: 'Run',
    description:
      'A new run replaying a finished one on its version: its llm and agent nodes call the model again (`model`, when given), every other tool call — the agent’s tool calls too — is answered from the recorded run, so no side effect is repeated. A call the record does not have fails with REPLAY_NOT_RECORDED. Compare with `stateDiff`.',
    args: {
      runId: t.arg.id({ required: true }),
      model: t.arg({
        type: 'JSON',
        description: 'The model of its llm and agent nodes: a name, or { provider, name }.',
      }),
      fromNode: t.arg.string({
        description: 'Replay from this node; what ran before it is copied. Default: the start.',
      }),
    },
    resolve: async (_query, _root, args, ctx) =>
      asRow(
        await ctx.runs.replay(
          String(args.runId),
          { model: args.model ?? undefined, fromNode: args.fromNode ?? null },
          ctx.identity.tenantId,
        ),
      ),
  }),
  retryRun: t.prismaField({
    type: 'Run',
    description:
      'A new run of a failed or cancelled run: every node that succeeded is kept, what failed (or was stopped) runs again, from attempt 1.',
    args: {
      runId: t.arg.id({ required: true }),
      graphVersion: t.arg.int({ description: "Default: the failed run's version." }),
      latest: t.arg.boolean({ description: "Run the graph's latest version." }),
    },
    resolve: async (_query, _root, args, ctx) =>
      asRow(
        await ctx.runs.retry(
          String(args.runId),
          { graphVersion: args.graphVersion ?? null, latest: args.latest ?? null },
          ctx.identity.tenantId,
        ),
      ),
  }),
}));

function diffStates(a: State, b: State): StateChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((key) => ({ key, before: a[key], after: b[key] }));
}
