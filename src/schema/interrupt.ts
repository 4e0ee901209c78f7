import type { RunStatus } from '../runs/ports.js';
import type { InterruptView, RunUsage } from '../runs/run-views.js';
import { builder } from './builder.js';
import { asRow } from './run-row.js';

export const InterruptStatusEnum = builder.enumType('InterruptStatus', {
  description:
    'PENDING: waits for resumeRun. ANSWERED / TIMED_OUT: recorded. CANCELLED: the run ended first.',
  values: ['PENDING', 'ANSWERED', 'TIMED_OUT', 'CANCELLED'] as const,
});

const InterruptRef = builder.objectRef<InterruptView>('Interrupt').implement({
  description:
    'A question a node asked (ctx.interrupt, human_input): answer it with resumeRun; `schema` is the JSON Schema a UI renders its form from.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique in the run: <nodeId>:<iteration>:<key>.' }),
    nodeId: t.exposeString('nodeId'),
    iteration: t.exposeInt('iteration'),
    prompt: t.exposeString('prompt'),
    schema: t.field({ type: 'JSON', resolve: (i) => i.schema }),
    status: t.field({ type: InterruptStatusEnum, resolve: (i) => i.status }),
    answer: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The answer, or the default a timeout continued with.',
      resolve: (i) => i.answer ?? null,
    }),
    requestedAt: t.field({ type: 'DateTime', resolve: (i) => new Date(i.requestedAt) }),
    deadline: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (i) => (i.deadline === undefined ? null : new Date(i.deadline)),
    }),
    answeredAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (i) => (i.answeredAt === undefined ? null : new Date(i.answeredAt)),
    }),
  }),
});

const RunUsageRef = builder.objectRef<RunUsage>('RunUsage').implement({
  description: "What the run's model calls spent (the sum of its llm.usage events).",
  fields: (t) => ({
    modelCalls: t.exposeInt('modelCalls'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    totalTokens: t.exposeInt('totalTokens'),
    costUsd: t.exposeFloat('costUsd', {
      description: 'From the server price table (LLM_PRICES); models without a price count 0.',
    }),
  }),
});

builder.prismaObjectFields('Run', (t) => ({
  interrupts: t.field({
    type: [InterruptRef],
    description: 'Questions the run asked, in order; pending ones are answered with resumeRun.',
    resolve: (run, _args, ctx) =>
      ctx.runs.interrupts({ id: run.id, status: run.status as RunStatus }),
  }),
  usage: t.field({
    type: RunUsageRef,
    resolve: (run, _args, ctx) => ctx.runs.usage({ id: run.id }),
  }),
}));

builder.mutationField('resumeRun', (t) =>
  t.prismaField({
    type: 'Run',
    description:
      'Answers a pending interrupt: the value is checked against its schema (BAD_USER_INPUT lists every problem, and the run keeps waiting), recorded, and the run goes on. INTERRUPT_ALREADY_ANSWERED / INTERRUPT_TIMED_OUT when it has no use any more.',
    args: {
      runId: t.arg.id({ required: true }),
      interruptId: t.arg.id({ required: true }),
      value: t.arg({ type: 'JSON', required: true }),
    },
    resolve: async (_query, _root, args, ctx) => {
      const run = await ctx.runs.resume(
        String(args.runId),
        String(args.interruptId),
        args.value,
        ctx.identity.tenantId,
      );
      return asRow(run);
    },
  }),
);
