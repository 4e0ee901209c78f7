import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { NonRetryableError } from '../../../src/engine/errors.js';
import type { State } from '../../../src/engine/graph.js';
import {
  createMemorySqlClient,
  createUserOnboardingTools,
  slugify,
} from '../../../src/examples/user-onboarding/index.js';
import { mailTarget } from '../../../src/examples/user-onboarding/mailer.js';
import { slugCandidates } from '../../../src/examples/user-onboarding/slug.js';
import { createRedactor } from '../../../src/redaction.js';
import { runTool } from '../../tools/run-tool.js';

const tools = () => {
  const list = createUserOnboardingTools({ database: createMemorySqlClient });
  return (name: string) => list.find((t) => t.name === name)!;
};

async function validated(user: unknown): Promise<State> {
  const state: State = { user };
  return { ...state, ...(await runTool(tools()('validate_user'), state)).patch };
}

describe('validate_user', () => {
  it('normalises a valid user and defaults the plan', async () => {
    expect(await validated({ email: '  Ada@Example.COM ', name: 'Ada Lovelace' })).toMatchObject({
      valid: true,
      user: { email: 'ada@example.com', name: 'Ada Lovelace', plan: 'free' },
    });
  });

  it('reports every problem of an invalid user without throwing', async () => {
    const state = await validated({ email: 'not-an-email', name: '', plan: 'gold' });
    expect(state.valid).toBe(false);
    expect((state.validation_errors as Array<{ path: string }>).map((e) => e.path)).toEqual([
      'email',
      'name',
      'plan',
    ]);
  });
});

describe('screen_signup', () => {
  const screen = async (email: string, config?: unknown) =>
    (await runTool(tools()('screen_signup'), await validated({ email, name: 'N' }), { config }))
      .patch?.screening;

  it('flags disposable domains and their subdomains, and the configured ones', async () => {
    expect(await screen('a@mx.mailinator.com')).toMatchObject({
      flagged: true,
      flags: ['disposable_domain'],
    });
    expect(await screen('a@rival.example', { flagDomains: ['Rival.Example'] })).toMatchObject({
      flagged: true,
      flags: ['flagged_domain'],
    });
    expect(await screen('a@notmailinator.com')).toMatchObject({ flagged: false, flags: [] });
  });

  it('refuses a config whose domain list is not a list of names', () => {
    const parsed = tools()('screen_signup').config.safeParse({ flagDomains: [''] });
    expect(parsed.success).toBe(false);
  });
});

describe('slugs', () => {
  it('are lowercase ASCII words, then numbered, then account-specific', () => {
    expect(slugify('  Ærø Café & Co. ')).toBe('aero-cafe-co');
    expect(slugify('Ünïcödé Straße')).toBe('unicode-strasse');
    expect(slugify('東京')).toBe('');
    const all = [...slugCandidates('acme', 'acct_0123456789ab')];
    expect(all.slice(0, 3)).toEqual(['acme', 'acme-2', 'acme-3']);
    expect(all.at(-1)).toBe('acme-456789ab');
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('provision_workspace', () => {
  it('fails for good when asked to provision for an account that already existed', async () => {
    const state = {
      ...(await validated({ email: 'a@b.example', name: 'A' })),
      account: { id: 'acct_1', email: 'a@b.example', name: 'A', existing: true },
    };
    await expect(runTool(tools()('provision_workspace'), state)).rejects.toBeInstanceOf(
      NonRetryableError,
    );
  });
});

describe('SMTP settings', () => {
  it('treat the credentials of SMTP_URL as secrets and log only scheme, host and port', () => {
    const url = 'smtp://mailer:S3cret%21pw@mail.lab.example:2525';
    const config = loadConfig({ SMTP_URL: url, SMTP_FROM: 'Lab <hi@lab.example>' });
    expect(config.smtp).toEqual({ url, from: 'Lab <hi@lab.example>' });
    const redact = createRedactor(config.secrets);
    expect(redact.text('login S3cret!pw / S3cret%21pw failed')).toBe(
      'login [redacted] / [redacted] failed',
    );
    expect(mailTarget(url)).toBe('smtp://mail.lab.example:2525');
  });
});
