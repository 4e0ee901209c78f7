import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../../tools/define-tool.js';
import type { OnboardingContext } from './services.js';
import { type Failure, messageOf, readAccount } from './signup-state.js';
import { slugify } from './slug.js';
import { type Plan, readValidUser, stableId } from './user.js';

export const PLAN_QUOTAS: Readonly<Record<Plan, { storageGb: number; seats: number }>> = {
  free: { storageGb: 1, seats: 1 },
  pro: { storageGb: 50, seats: 5 },
  team: { storageGb: 500, seats: 50 },
};

/**
 * Provisions the account's workspace with its plan's quotas, on the first free slug of the
 * company (or name): `acme`, then `acme-2`... An account has one workspace, so a retry finds it.
 * A failure is retried by the engine (the node's `retry`) until `attempts`; the last one is not
 * thrown but recorded, so the graph can compensate (there is no failure edge):
 * `{ provisioned: false, failure: { step: 'workspace', message, attempts } }`.
 * Patch on success: `{ provisioned: true, workspace: { id, slug, url, plan, storageGb, seats } }`.
 */
export function createProvisionWorkspaceTool(services: OnboardingContext) {
  return defineTool({
    name: 'provision_workspace',
    description: "Provisions state.account's workspace on a unique slug; records a final failure",
    config: z.strictObject({
      baseUrl: z
        .url()
        .default('https://app.example.com/w')
        .describe('Workspace URLs are <baseUrl>/<slug>'),
      attempts: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(3)
        .describe(
          "The attempt whose failure is final (keep it equal to the node's retry.maxAttempts)",
        ),
    }),
    async run({ state, config, attempt, runId, idempotencyKey, log }) {
      const user = readValidUser(state, 'provision_workspace');
      const account = readAccount(state, 'provision_workspace');
      if (account.existing)
        throw new NonRetryableError(
          `provision_workspace: ${account.email} was registered by an earlier sign-up; route existing accounts elsewhere`,
        );
      const base =
        slugify(user.company ?? user.name) ||
        slugify(user.email.split('@')[0] ?? '') ||
        'workspace';
      try {
        const ws = await services.store().createWorkspace({
          id: stableId('ws', idempotencyKey),
          accountId: account.id,
          tenantId: await services.tenant(runId),
          base,
          plan: user.plan,
          ...PLAN_QUOTAS[user.plan],
        });
        const url = `${config.baseUrl.replace(/\/+$/, '')}/${ws.slug}`;
        const { id, slug, plan, storageGb, seats } = ws;
        return { provisioned: true, workspace: { id, slug, url, plan, storageGb, seats } };
      } catch (err) {
        if (attempt < config.attempts) throw err;
        const failure: Failure = { step: 'workspace', message: messageOf(err), attempts: attempt };
        log('workspace provisioning failed for good', failure, 'error');
        return { provisioned: false, failure };
      }
    },
  });
}
