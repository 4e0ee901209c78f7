import type { Plan } from './user.js';

export interface Account {
  id: string;
  email: string;
  name: string;
  plan: Plan;
}

/** Where create_account keeps accounts: keyed by idempotency key and by email. */
export interface AccountStore {
  byKey(key: string): Account | undefined;
  byEmail(email: string): Account | undefined;
  save(key: string, account: Account): void;
}

/** An in-memory store holding at most `capacity` keys (oldest forgotten first). */
export function createMemoryAccountStore(capacity = 10_000): AccountStore {
  const keys = new Map<string, Account>();
  const emails = new Map<string, Account>();
  return {
    byKey: (key) => keys.get(key),
    byEmail: (email) => emails.get(email),
    save(key, account) {
      if (keys.size >= capacity) {
        const [oldestKey, oldest] = keys.entries().next().value as [string, Account];
        keys.delete(oldestKey);
        if (emails.get(oldest.email) === oldest) emails.delete(oldest.email);
      }
      keys.set(key, account);
      emails.set(account.email, account);
    },
  };
}
