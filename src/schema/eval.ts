/**
 * Evals over GraphQL: eval sets (cases and a scorer graph), eval runs of a graph version with
 * their scores, and the case-by-case comparison of two eval runs (two versions).
 */
import { compareEvalRuns } from '../evals/eval-service.js';
import type { EvalResult, EvalRunRecord, EvalSetRecord } from '../evals/ports.js';
import { builder } from './builder.js';

const EvalResultRef = builder.objectRef<EvalResult>('EvalResult').implement({
  description: 'One case of an eval run: the graph’s run, and the score its scorer run gave.',
  fields: (t) => ({
    case: t.exposeInt('case', { description: 'The case’s position in the eval set (0-based).' }),
    runId: t.exposeID('runId'),
    status: t.exposeString('status', { description: 'The graph run’s status.' }),
    scorerRunId: t.exposeID('scorerRunId', { nullable: true }),
    score: t.exposeFloat('score', { description: '0..1; 0 when the run or the scorer failed.' }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

const EvalRunRef = builder.objectRef<EvalRunRecord>('EvalRun').implement({
  description: 'An eval of one graph version: a run per case, scored, and the mean score.',
  fields: (t) => ({
    id: t.exposeID('id'),
    evalSetId: t.exposeID('evalSetId'),
    graphVersion: t.exposeInt('graphVersion'),
    status: t.exposeString('status', { description: 'RUNNING, SUCCEEDED or FAILED.' }),
    meanScore: t.exposeFloat('meanScore', { nullable: true }),
    results: t.field({
      type: [EvalResultRef],
      description: 'Per case, in case order (empty while RUNNING).',
      resolve: (r) => r.results ?? [],
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const EvalSetRef = builder.objectRef<EvalSetRecord>('EvalSet').implement({
  description:
    'Cases ({ input, expected }) run on a graph’s versions, each result scored by a scorer graph that gets { input, expected, output } and leaves state.score (0..1) and state.reason.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    graphId: t.exposeID('graphId'),
    scorerGraph: t.exposeString('scorerGraph'),
    cases: t.field({ type: 'JSON', resolve: (s) => s.cases as never }),
    runs: t.field({
      type: [EvalRunRef],
      description: 'Its eval runs, newest first (at most 100).',
      resolve: (s, _args, ctx) => ctx.evals.runsOf(s.id),
    }),
  }),
});

const EvalCaseChangeRef = builder
  .objectRef<ReturnType<typeof compareEvalRuns>[number]>('EvalCaseChange')
  .implement({
    fields: (t) => ({
      case: t.exposeInt('case'),
      before: t.exposeFloat('before', { nullable: true }),
      after: t.exposeFloat('after'),
      change: t.exposeFloat('change'),
    }),
  });

const EvalSetInput = builder.inputType('EvalSetInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    graphId: t.id({ required: true }),
    scorerGraph: t.string({ required: true, description: 'The name of the scorer graph.' }),
    cases: t.field({
      type: 'JSON',
      required: true,
      description: '[{ "input": {…}, "expected": … }], 1 to 1,000 cases.',
    }),
  }),
});

builder.queryFields((t) => ({
  evalSets: t.field({
    type: [EvalSetRef],
    description: 'The eval sets of a graph, oldest first (at most 100).',
    args: { graphId: t.arg.id({ required: true }) },
    resolve: (_root, { graphId }, ctx) => ctx.evals.setsOf(String(graphId), ctx.identity.tenantId),
  }),
  evalSet: t.field({
    type: EvalSetRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.evals.getSet(String(id), ctx.identity.tenantId),
  }),
  evalRun: t.field({
    type: EvalRunRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.evals.getRun(String(id), ctx.identity.tenantId),
  }),
  compareEvalRuns: t.field({
    type: [EvalCaseChangeRef],
    description: 'Case by case, how the scores of eval run `b` differ from those of `a`.',
    args: { a: t.arg.id({ required: true }), b: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const tenant = ctx.identity.tenantId;
      const [a, b] = await Promise.all([
        ctx.evals.getRun(String(args.a), tenant),
        ctx.evals.getRun(String(args.b), tenant),
      ]);
      return compareEvalRuns(a, b);
    },
  }),
}));

builder.mutationFields((t) => ({
  createEvalSet: t.field({
    type: EvalSetRef,
    args: { input: t.arg({ type: EvalSetInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.evals.createSet(
        { ...input, graphId: String(input.graphId), cases: input.cases },
        ctx.identity.tenantId,
      ),
  }),
  runEval: t.field({
    type: EvalRunRef,
    description:
      'Runs every case of the eval set on a version of its graph (default: the latest) and scores it; returns at once (RUNNING). Poll evalRun, then compareEvalRuns with another version’s.',
    args: { evalSetId: t.arg.id({ required: true }), graphVersion: t.arg.int() },
    resolve: (_root, args, ctx) =>
      ctx.evals.start(String(args.evalSetId), args.graphVersion ?? null, ctx.identity.tenantId),
  }),
}));
