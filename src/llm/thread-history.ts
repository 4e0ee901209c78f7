/**
 * The thread's conversation in `llm` and `agent` nodes. On a run started with a threadId, a
 * node (unless its config says `history: false`) sends the thread's last `window` messages
 * (default 20) before its own `messages` and `prompt`, and once it has answered appends its
 * exchange to the thread: the user message (its rendered `prompt`, else its last `messages`
 * entry of role user) and its answer (text, or the JSON text of a structured answer).
 *
 * Determinism: a run sees the messages appended before it started (the cut is stored with its
 * thread link, and kept by forks and retries), and which ones a node sent is a recorded step
 * (`thread:history`: their seqs), so a node run again reads exactly those. The append is a
 * recorded step too, stored once per activation (keyed by its idempotency key).
 */
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import type { ToolContext } from '../engine/index.js';

export const DEFAULT_HISTORY_WINDOW = 20;
export const MAX_HISTORY_WINDOW = 500;

export const historyConfig = z
  .union([
    z.literal(false),
    z.strictObject({
      window: z
        .number()
        .int()
        .min(1)
        .max(MAX_HISTORY_WINDOW)
        .optional()
        .describe(
          `Most thread messages sent before the node's own (default ${DEFAULT_HISTORY_WINDOW})`,
        ),
      append: z
        .boolean()
        .optional()
        .describe("Append the node's user message and answer to the thread (default true)"),
    }),
  ])
  .optional()
  .describe(
    'On a run with a threadId: the thread history sent as context and appended to; false: neither',
  );

export type HistoryConfig = z.output<typeof historyConfig>;

interface HistoryCut {
  threadId: string;
  seqs: number[];
}

/** The thread messages the node sends first (none without a thread or with `history: false`). */
export async function threadHistory(
  ctx: ToolContext<unknown>,
  config: HistoryConfig,
): Promise<ModelMessage[]> {
  const thread = ctx.thread;
  if (config === false || thread === undefined) return [];
  // Whether the run has a thread is stored before the run is (no step needed, none recorded).
  const threadId = await thread.id();
  if (threadId === null) return [];
  const window = config?.window ?? DEFAULT_HISTORY_WINDOW;
  let read: Awaited<ReturnType<typeof thread.history>> | undefined;
  const cut = await ctx.step<HistoryCut>('thread:history', async () => {
    read = await thread.history(window);
    return { threadId, seqs: read.map((m) => m.seq) };
  });
  if (cut.seqs.length === 0) return [];
  // Run again (the step came from the log): the same messages, those of the recorded seqs.
  if (read === undefined) {
    const wanted = new Set(cut.seqs);
    read = (await thread.history(window)).filter((m) => wanted.has(m.seq));
    if (read.length < wanted.size)
      ctx.log('Some thread messages this node saw before are gone', { seqs: cut.seqs }, 'warn');
  }
  return read.map((m) => ({ role: m.role, content: m.content }));
}

/** The user message of the node's own turn, for the thread: its prompt, else its last user message. */
export function userTurn(
  messages: ReadonlyArray<{ role: string; content: unknown }>,
): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return null;
}

/** Appends the node's exchange to the thread (once per activation). */
export async function appendTurn(
  ctx: ToolContext<unknown>,
  config: HistoryConfig,
  user: string | null,
  answer: unknown,
): Promise<void> {
  const thread = ctx.thread;
  if (config === false || config?.append === false || thread === undefined) return;
  if ((await thread.id()) === null) return;
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer ?? null);
  const messages = [
    ...(user === null ? [] : [{ role: 'user' as const, content: user }]),
    { role: 'assistant' as const, content: text },
  ];
  await ctx.step('thread:append', () => thread.append(ctx.idempotencyKey, messages, ctx.nodeId));
}
