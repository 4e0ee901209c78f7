/**
 * Threads over GraphQL: `thread(id) { id runs messages memory }`, the tenant's memory, and
 * mutations to set and delete memory entries. Run ids, messages and memory come from the thread
 * service; runs are read with Pothos' selection (`query`).
 */
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { AppError } from '../errors.js';
import type { RunRecord } from '../runs/ports.js';
import type { StoredMemoryEntry, StoredThreadMessage, ThreadRecord } from '../threads/ports.js';
import { builder } from './builder.js';

const MAX_LIST = 1_000;
const pageSize = (n: number | null | undefined, fallback: number) =>
  Math.max(0, Math.min(MAX_LIST, n ?? fallback));

/** Message cursors are the message's seq. */
function seqOf(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const seq = Number(cursor);
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new AppError('BAD_USER_INPUT', `"${cursor}" is not a message cursor.`, { cursor });
  return seq;
}

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
    messages: t.connection(
      {
        type: ThreadMessageRef,
        description:
          'The messages in seq order, paged (cursor: the seq; `last: 20` for the latest).',
        args: { afterSeq: t.arg.int({ description: 'Only messages with a larger seq.' }) },
        resolve: (thread, args, ctx) =>
          resolveCursorConnection<Promise<StoredThreadMessage[]>>(
            { args, toCursor: (m) => String(m.seq), defaultSize: 100, maxSize: MAX_LIST },
            async ({ before, after, limit, inverted }) => {
              const afterSeq = Math.max(args.afterSeq ?? 0, seqOf(after) ?? 0);
              const beforeSeq = seqOf(before);
              const page = await ctx.threads.messages(thread, {
                afterSeq,
                ...(beforeSeq !== undefined ? { upToSeq: beforeSeq - 1 } : {}),
                ...(inverted ? { last: limit } : { first: limit }),
              });
              // `last`: the connection wants them newest first (it puts them back in order).
              return inverted ? page.reverse() : page;
            },
          ),
      },
      { name: 'ThreadMessageConnection' },
      { name: 'ThreadMessageEdge' },
    ),
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
