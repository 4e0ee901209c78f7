/**
 * Threads over GraphQL: `thread(id) { id runs messages memory }`, the tenant's memory, and
 * mutations to set and delete memory entries. Run ids, messages and memory come from the thread
 * service; runs are read with Pothos' selection (`query`).
 */
import type { RunRecord } from '../runs/ports.js';
import type { StoredMemoryEntry, StoredThreadMessage, ThreadRecord } from '../threads/ports.js';
import { builder } from './builder.js';

const MAX_LIST = 1_000;
const pageSize = (n: number | null | undefined, fallback: number) =>
  Math.max(0, Math.min(MAX_LIST, n ?? fallback));

export const MemoryEntryRef = builder.objectRef<StoredMemoryEntry>('MemoryEntry').implement({
  description: 'A memory entry: a JSON value tools read and write through ctx.memory.',
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.field({ type: 'JSON', resolve: (e) => e.value as never }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ThreadMessageRef = builder.objectRef<StoredThreadMessage>('ThreadMessage').implement({
  description:
    "A message of a thread, appended by an llm or agent node of one of the thread's runs.",
  fields: (t) => ({
    seq: t.exposeInt('seq', { description: '1, 2, ... in the thread.' }),
    role: t.exposeString('role', { description: '`user` or `assistant`.' }),
    content: t.exposeString('content'),
    runId: t.exposeID('runId', { nullable: true }),
    nodeId: t.exposeString('nodeId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ThreadRef = builder.objectRef<ThreadRecord>('Thread').implement({
  description:
    'The runs of one conversation (startRun with a threadId), the messages their llm and agent nodes appended, and its memory.',
  fields: (t) => ({
    id: t.exposeID('id'),
    lastSeq: t.exposeInt('lastSeq', { description: 'seq of the last message (0: none).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      description: 'The last run started, message appended or memory entry set.',
    }),
    runs: t.prismaField({
      type: ['Run'],
      description: 'Its runs, newest first (forks and retries of them included).',
      args: {
        first: t.arg.int({ description: `At most this many (default 50, max ${MAX_LIST}).` }),
      },
      resolve: async (query, thread, args, ctx) => {
        const ids = await ctx.threads.runIds(thread, pageSize(args.first, 50));
        if (ids.length === 0) return [];
        return ctx.prisma.run.findMany({
          ...query,
          where: { id: { in: ids }, tenantId: thread.tenantId },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
      },
    }),
    messages: t.field({
      type: [ThreadMessageRef],
      description: `Messages in order: after \`afterSeq\`, the first \`first\` (default 100, max ${MAX_LIST}); or the \`last\` ones.`,
      args: { afterSeq: t.arg.int(), first: t.arg.int(), last: t.arg.int() },
      resolve: (thread, args, ctx) =>
        ctx.threads.messages(thread, {
          ...(args.afterSeq != null ? { afterSeq: args.afterSeq } : {}),
          ...(args.last != null
            ? { last: pageSize(args.last, 100) }
            : { first: pageSize(args.first, 100) }),
        }),
    }),
    memory: t.field({
      type: [MemoryEntryRef],
      description: "The thread's memory entries, by key.",
      resolve: (thread, _args, ctx) => ctx.threads.listMemory(thread.tenantId, thread.id),
    }),
  }),
});

builder.queryFields((t) => ({
  thread: t.field({
    type: ThreadRef,
    nullable: true,
    description:
      'A thread of your tenant (null when it has none of this id, as for another tenant’s); INVALID_THREAD_ID for a malformed id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.threads.get(ctx.identity.tenantId, String(args.id)),
  }),
  tenantMemory: t.field({
    type: [MemoryEntryRef],
    description: "Your tenant's memory (ctx.memory scope tenant), by key.",
    resolve: (_root, _args, ctx) => ctx.threads.listMemory(ctx.identity.tenantId, null),
  }),
}));

builder.mutationFields((t) => ({
  setMemory: t.field({
    type: MemoryEntryRef,
    description:
      'Sets a memory entry of a thread (created when new) or, without threadId, of your tenant. Values are bounded by MAX_VALUE_BYTES (VALUE_TOO_LARGE); keys are 1-200 characters (INVALID_MEMORY_KEY); a scope holds at most 1,000 (MEMORY_FULL).',
    args: {
      threadId: t.arg.id(),
      key: t.arg.string({ required: true }),
      value: t.arg({ type: 'JSON', required: true }),
    },
    resolve: (_root, args, ctx) =>
      ctx.threads.setMemory(
        ctx.identity.tenantId,
        args.threadId == null ? null : String(args.threadId),
        args.key,
        args.value,
      ),
  }),
  deleteMemory: t.boolean({
    description:
      'Deletes a memory entry of a thread (NOT_FOUND for a thread you do not have) or of your tenant; false when there was none.',
    args: { threadId: t.arg.id(), key: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) =>
      ctx.threads.deleteMemory(
        ctx.identity.tenantId,
        args.threadId == null ? null : String(args.threadId),
        args.key,
      ),
  }),
}));

builder.prismaObjectField('Run', 'threadId', (t) =>
  t.id({
    nullable: true,
    description: 'The thread the run belongs to (startRun threadId; forks and retries keep it).',
    resolve: (run, _args, ctx) => ctx.threads.threadOf(run as unknown as RunRecord),
  }),
);
