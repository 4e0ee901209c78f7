/**
 * The body `useChat` (DefaultChatTransport) POSTs: `{ id, messages, trigger, messageId }`, plus
 * our `answer` for an interrupt (`sendMessage(undefined, { body: { answer } })`). Checked with
 * zod; every problem is reported at once, each with its path.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  id: z.string().optional(),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(part).default([]),
});

export const chatRequestSchema = z.looseObject({
  id: z.string().min(1).describe('The chat id: the thread the runs go on'),
  messages: z.array(message).default([]),
  trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
  messageId: z.string().optional(),
  answer: z
    .strictObject({
      runId: z.string().min(1),
      interruptId: z.string().min(1),
      value: z.unknown(),
    })
    .optional()
    .describe("An interrupt's answer (from its data-interrupt part): resumes that run"),
});

export type ChatRequest = z.output<typeof chatRequestSchema>;

/** BAD_USER_INPUT listing every problem, each with its path (`messages.0.role`). */
export function parseChatRequest(text: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'The body must be JSON: the useChat request.');
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    throw new AppError(
      'BAD_USER_INPUT',
      `The chat request is not valid: ${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ')}`,
      { problems },
    );
  }
  return parsed.data;
}

/** The text of the last user message: what becomes the run's input. */
export function lastUserText(request: ChatRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i];
    if (m?.role !== 'user') continue;
    const text = m.parts
      .filter((p) => p.type === 'text' && typeof p.text === 'string')
      .map((p) => p.text)
      .join('');
    if (text.trim() !== '') return text;
    break;
  }
  throw new AppError(
    'BAD_USER_INPUT',
    'The last message must be a user message with text (or send an `answer` to an interrupt).',
  );
}
