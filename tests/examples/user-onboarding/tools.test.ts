import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../src/engine/errors.js';
import type { State } from '../../../src/engine/graph.js';
import { createMemoryAccountStore } from '../../../src/examples/user-onboarding/account-store.js';
import { completeOnboardingTool } from '../../../src/examples/user-onboarding/complete-onboarding.tool.js';
import { createAccountToolWith } from '../../../src/examples/user-onboarding/create-account.tool.js';
import {
  provisionWorkspaceTool,
  slugify,
} from '../../../src/examples/user-onboarding/provision-workspace.tool.js';
import { rejectUserTool } from '../../../src/examples/user-onboarding/reject-user.tool.js';
import { sendWelcomeEmailTool } from '../../../src/examples/user-onboarding/send-welcome-email.tool.js';
import { validateUserTool } from '../../../src/examples/user-onboarding/validate-user.tool.js';
import { runTool } from '../../tools/run-tool.js';

const ADA = { email: '  Ada@Example.COM ', name: 'Ada Lovelace', plan: 'team' };

async function validated(user: unknown = ADA): Promise<State> {
  const state: State = { user };
  return { ...state, ...(await runTool(validateUserTool, state)).patch };
}

describe('validate_user', () => {
  it('normalises a valid user and defaults the plan', async () => {
    expect(await validated()).toMatchObject({
      valid: true,
      validation_errors: [],
      user: { email: 'ada@example.com', name: 'Ada Lovelace', plan: 'team' },
    });
    expect((await validated({ email: 'b@c.io', name: 'B' })).user).toMatchObject({ plan: 'free' });
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

  it('fails for good when there is no user at all', async () => {
    await expect(runTool(validateUserTool, {})).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('rejects with the validation errors as reasons', async () => {
    const state = await validated({ email: 'x', name: 'X' });
    const { patch } = await runTool(rejectUserTool, state);
    expect(patch).toEqual({
      status: 'rejected',
      rejection: { reasons: [expect.stringMatching(/^email: /)] },
    });
  });
});

describe('create_account', () => {
  it('is idempotent per idempotency key and per email', async () => {
    const tool = createAccountToolWith(createMemoryAccountStore());
    const state = await validated();
    const first = await runTool(tool, state, { idempotencyKey: 'run1:account:1' });
    const retry = await runTool(tool, state, { idempotencyKey: 'run1:account:1', attempt: 2 });
    const account = first.patch?.account as { id: string; existing: boolean };
    expect(account).toEqual({
      id: expect.stringMatching(/^acct_[0-9a-f]{12}$/),
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      plan: 'team',
      existing: false,
    });
    expect(retry.patch).toEqual(first.patch);
    const otherRun = await runTool(tool, state, { idempotencyKey: 'run2:account:1' });
    expect(otherRun.patch?.account).toEqual({ ...account, existing: true });
  });

  it('fails for good on an unvalidated user', async () => {
    const tool = createAccountToolWith();
    await expect(runTool(tool, { user: { email: 'nope' } })).rejects.toThrow(/valid user/);
  });
});

describe('send_welcome_email / provision_workspace / complete_onboarding', () => {
  it('emits the simulated email and completes once everything exists', async () => {
    const state = await validated();
    const email = await runTool(sendWelcomeEmailTool, state, { idempotencyKey: 'k:email:1' });
    expect(email.patch?.welcome_email).toEqual({
      to: 'ada@example.com',
      from: 'welcome@example.com',
      subject: 'Welcome aboard, Ada Lovelace!',
      messageId: expect.stringMatching(/^msg_/),
      status: 'sent',
    });
    expect(email.events).toEqual([{ name: 'email_sent', payload: email.patch?.welcome_email }]);

    const workspace = await runTool(provisionWorkspaceTool, state);
    expect(workspace.patch?.workspace).toMatchObject({
      slug: 'ada-lovelace',
      plan: 'team',
      storageGb: 500,
      seats: 50,
      owner: 'ada@example.com',
    });

    await expect(runTool(completeOnboardingTool, { ...state, ...email.patch })).rejects.toThrow(
      /state\.account/,
    );
    const account = await runTool(createAccountToolWith(), state);
    const done = await runTool(completeOnboardingTool, {
      ...state,
      ...email.patch,
      ...workspace.patch,
      ...account.patch,
    });
    expect(done.patch).toMatchObject({
      status: 'completed',
      onboarding: { email: 'ada@example.com' },
    });
    expect(done.events.map((e) => e.name)).toEqual(['onboarding_completed']);
  });

  it('slugifies names safely', () => {
    expect(slugify('  Émile & Co. — Paris ')).toBe('emile-co-paris');
    expect(slugify('!!!')).toBe('');
  });
});
