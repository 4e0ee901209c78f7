/** Who is calling: a tenant and a role within it. Checked once per request or socket. */
export interface Identity {
  tenantId: string;
  role: Role;
  /** The key id or token subject, for logs and audits (never a secret). */
  subject: string;
  /** When the credential stops being valid (a token's `exp`), in ms since the epoch. */
  expiresAt?: number;
}

/** reader: reads and subscribes. writer: also saves graphs, starts and cancels runs. admin: keys. */
export type Role = 'reader' | 'writer' | 'admin';
export const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

/** True when `role` may do what `needed` may. */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return value === 'reader' || value === 'writer' || value === 'admin';
}

/** Tenant names: what a person types on a command line, and safe in any log. */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
