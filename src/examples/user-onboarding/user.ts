import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import type { State } from '../../engine/graph.js';

export const PLANS = ['free', 'pro', 'team'] as const;
export type Plan = (typeof PLANS)[number];

/** The sign-up form: email (trimmed, lowercased), name, plan (default free), optional company. */
export const userSchema = z.object({
  email: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.email()),
  name: z.string().trim().min(1, 'Name is required').max(100),
  plan: z.enum(PLANS).default('free'),
  company: z.string().trim().max(100).optional(),
});
export type User = z.output<typeof userSchema>;

/** `state.user` as validate_user left it; fails for good when it is not a valid user. */
export function readValidUser(state: Readonly<State>, tool: string): User {
  const parsed = userSchema.safeParse(state.user);
  if (!parsed.success) {
    throw new NonRetryableError(
      `${tool} needs a valid user in state.user (run validate_user first): ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

/** A short stable id from an idempotency key: retries and resumes get the same id. */
export function stableId(prefix: string, key: string): string {
  return `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
