import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { DISPOSABLE_DOMAINS, domainListed } from './disposable-domains.js';
import type { OnboardingContext } from './services.js';
import { readValidUser } from './user.js';

const domains = z.array(z.string().trim().toLowerCase().min(1).max(253)).max(100_000);

/**
 * Before anything is made: is the email registered already (then the run answers "already
 * registered" and makes nothing), and does the sign-up need a person's approval (its domain is
 * a disposable-mailbox one, or one of `flagDomains`)?
 * Patch: `{ screening: { registered, flagged, flags, domain } }`, plus `account` (the existing
 * one, `existing: true`) when registered.
 */
export function createScreenSignupTool(services: OnboardingContext) {
  return defineTool({
    name: 'screen_signup',
    description:
      'Looks state.user.email up (already registered?) and flags disposable or listed domains for approval',
    config: z.strictObject({
      disposableDomains: domains
        .default([...DISPOSABLE_DOMAINS])
        .describe('Throwaway-mailbox domains (subdomains match too)'),
      flagDomains: domains.default([]).describe('More domains whose sign-ups a person approves'),
    }),
    async run({ state, config, runId, log }) {
      const user = readValidUser(state, 'screen_signup');
      if (services.storeNote) log(services.storeNote, undefined, 'warn');
      const domain = user.email.slice(user.email.lastIndexOf('@') + 1);
      const flags: string[] = [];
      if (domainListed(domain, config.disposableDomains)) flags.push('disposable_domain');
      if (domainListed(domain, config.flagDomains)) flags.push('flagged_domain');
      const tenant = await services.tenant(runId);
      const existing = await services.store().accountByEmail(tenant, user.email);
      const screening = {
        registered: existing !== undefined,
        flagged: flags.length > 0,
        flags,
        domain,
      };
      if (!existing) return { screening };
      log('email already registered', { accountId: existing.id, status: existing.status });
      return { screening, account: { ...existing, existing: true } };
    },
  });
}
