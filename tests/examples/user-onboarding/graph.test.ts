import { describe, expect, it } from 'vitest';
import { userOnboardingGraph } from '../../../src/examples/user-onboarding/index.js';
import { runExample } from '../run-example.js';

describe('user-onboarding graph', () => {
  it('sets up account, email and workspace in parallel, then completes', async () => {
    const result = await runExample(userOnboardingGraph, {
      user: { email: 'grace@example.com', name: 'Grace Hopper' },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toMatchObject({
      status: 'completed',
      account: { email: 'grace@example.com', plan: 'free', existing: false },
      workspace: { slug: 'grace-hopper', storageGb: 1 },
      welcome_email: { to: 'grace@example.com', status: 'sent' },
    });
    expect(result.skipped('reject')).toBe('dead_path');
    expect(result.events.some((e) => e.type === 'CUSTOM' && e.data.name === 'email_sent')).toBe(
      true,
    );
  });

  it('runs with no input using the sample user', async () => {
    const result = await runExample(userOnboardingGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.status).toBe('completed');
  });

  it('rejects an invalid user and skips the set-up branch', async () => {
    const result = await runExample(userOnboardingGraph, { user: { email: 'nope', name: 'X' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state).toMatchObject({ status: 'rejected', valid: false });
    for (const id of ['account', 'email', 'workspace', 'complete']) {
      expect(result.skipped(id)).toBe('dead_path');
    }
  });
});
