import { defineTool } from '../../tools/define-tool.js';
import { type Plan, readValidUser, stableId } from './user.js';

export const PLAN_QUOTAS: Readonly<Record<Plan, { storageGb: number; seats: number }>> = {
  free: { storageGb: 1, seats: 1 },
  pro: { storageGb: 50, seats: 5 },
  team: { storageGb: 500, seats: 50 },
};

/** A URL-safe slug: lowercase words joined by '-', at most 40 characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/**
 * Provisions the user's workspace with the quotas of their plan (simulated).
 * Patch: `{ workspace: { id, slug, owner, plan, storageGb, seats } }`.
 */
export const provisionWorkspaceTool = defineTool({
  name: 'provision_workspace',
  description: "Provisions a workspace for state.user with its plan's quotas",
  run({ state, idempotencyKey }) {
    const user = readValidUser(state, 'provision_workspace');
    const slug =
      slugify(user.company ?? user.name) || slugify(user.email.split('@')[0] ?? '') || 'workspace';
    return {
      workspace: {
        id: stableId('ws', idempotencyKey),
        slug,
        owner: user.email,
        plan: user.plan,
        ...PLAN_QUOTAS[user.plan],
      },
    };
  },
});
