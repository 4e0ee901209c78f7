import { createMemorySqlClient } from '../../persistence/memory-sql-client.js';
import { DEFAULT_TENANT } from '../../runs/ports.js';
import type { SqlClient } from '../../runs/sql-client.js';
import { createMailer, DEFAULT_FROM, type Mailer, type MailSettings } from './mailer.js';
import { createSqlOnboardingStore, type OnboardingStore } from './onboarding-store.js';

/** What the onboarding tools are given by whoever composes the registry (app-tools.ts). */
export interface OnboardingServices {
  /**
   * The server's database; called when a tool first runs (the app opens it after the registry
   * is built). Absent: a private in-memory SQLite database, said in each run's log.
   */
  database?: () => SqlClient;
  /** The tenant of a run: accounts, emails and slugs are unique per tenant. Absent: `default`. */
  tenantOf?: (runId: string) => Promise<string | undefined>;
  /** SMTP settings; absent or without `url`: nodemailer's JSON transport, never delivered. */
  mail?: MailSettings;
}

export interface OnboardingContext {
  store(): OnboardingStore;
  /** The tenant whose accounts a run signs up into. */
  tenant(runId: string): Promise<string>;
  mailer(): Mailer;
  /** The sender and SMTP URL (never logged: the URL may hold a password). */
  readonly mail: MailSettings;
  /** Set when the tables are not in a server database (a note for the run's log). */
  readonly storeNote: string | undefined;
}

/** Resolves the services once, on first use, and shares them between the tools. */
export function onboardingContext(services: OnboardingServices = {}): OnboardingContext {
  let store: OnboardingStore | undefined;
  let mailer: Mailer | undefined;
  const mail = services.mail ?? { from: DEFAULT_FROM };
  return {
    mail,
    tenant: async (runId) => (await services.tenantOf?.(runId)) ?? DEFAULT_TENANT,
    store: () => {
      store ??= createSqlOnboardingStore(services.database?.() ?? createMemorySqlClient());
      return store;
    },
    mailer: () => {
      mailer ??= createMailer(mail);
      return mailer;
    },
    storeNote: services.database
      ? undefined
      : 'no server database was given: accounts are kept in an in-memory SQLite database of this process',
  };
}
