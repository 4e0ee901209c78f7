import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { type Identity, isRole, type Role, TENANT_PATTERN } from './identity.js';

/** A stored key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  role: Role;
  name: string | null;
  hash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Port: API key storage (src/persistence implements it). */
export interface ApiKeyStore {
  insert(key: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | null>;
  list(tenantId?: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such active key (in the tenant, if given). */
  revoke(id: string, tenantId?: string): Promise<boolean>;
}

export interface NewApiKey {
  tenantId: string;
  role: Role;
  name?: string | null;
}

const PREFIX = 'aef_';
/** How long a verified key is trusted without reading the store again (revocation delay). */
const CACHE_MS = 5_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * API keys look like `aef_<id>_<secret>`: the id finds the row, the secret (32 random bytes) is
 * checked against the stored hash in constant time. Shown once, at creation.
 */
export function createApiKeys(store: ApiKeyStore) {
  const verified = new Map<string, { identity: Identity; until: number }>();
  /** Key ids seen active, until when: what stillValid trusts without reading the store. */
  const active = new Map<string, number>();

  return {
    async create(input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
      if (!TENANT_PATTERN.test(input.tenantId))
        throw new AppError(
          'BAD_USER_INPUT',
          `Tenant "${input.tenantId}" is not a valid name: use 1-64 letters, digits, '.', '_' or '-'.`,
        );
      if (!isRole(input.role))
        throw new AppError('BAD_USER_INPUT', 'Role must be reader, writer or admin.');
      const id = uuidv7().replaceAll('-', '');
      const key = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
      const record: ApiKeyRecord = {
        id,
        tenantId: input.tenantId,
        role: input.role,
        name: input.name ?? null,
        hash: sha256(key),
        createdAt: new Date(),
        revokedAt: null,
      };
      await store.insert(record);
      return { key, record };
    },

    /** The identity of a key, or null when it is malformed, unknown or revoked. */
    async verify(key: string): Promise<Identity | null> {
      const hit = verified.get(key);
      if (hit && hit.until > Date.now()) return hit.identity;
      const match = /^aef_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(key);
      if (!match) return null;
      const record = await store.get(match[1]!);
      if (!record || record.revokedAt) return null;
      const given = Buffer.from(sha256(key), 'hex');
      if (!timingSafeEqual(given, Buffer.from(record.hash, 'hex'))) return null;
      const identity: Identity = {
        tenantId: record.tenantId,
        role: record.role,
        subject: `key:${record.id}`,
      };
      if (verified.size > 10_000) verified.clear();
      if (active.size > 10_000) active.clear();
      verified.set(key, { identity, until: Date.now() + CACHE_MS });
      active.set(record.id, Date.now() + CACHE_MS);
      return identity;
    },

    /**
     * Whether an identity checked earlier still holds: its token has not expired, its key has not
     * been revoked (since CACHE_MS, or at once in this process). A graphql-ws socket authenticates
     * once, at connection_init; every later operation on it asks this again.
     */
    async stillValid(identity: Identity): Promise<boolean> {
      if (identity.expiresAt !== undefined && identity.expiresAt <= Date.now()) return false;
      if (!identity.subject.startsWith('key:')) return true;
      const id = identity.subject.slice(4);
      if ((active.get(id) ?? 0) > Date.now()) return true;
      const record = await store.get(id);
      if (!record || record.revokedAt) return false;
      if (active.size > 10_000) active.clear();
      active.set(id, Date.now() + CACHE_MS);
      return true;
    },

    list: (tenantId?: string) => store.list(tenantId),

    async revoke(id: string, tenantId?: string): Promise<boolean> {
      const revoked = await store.revoke(id, tenantId);
      // This process forgets it at once; others within CACHE_MS.
      for (const [key, v] of verified) if (v.identity.subject === `key:${id}`) verified.delete(key);
      active.delete(id);
      return revoked;
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
