import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../errors.js';
import { DEFAULT_TENANT } from '../runs/ports.js';
import type { ApiKeys } from './api-keys.js';
import { type Identity, isRole, type Role } from './identity.js';

export type AuthMode = 'none' | 'apikey' | 'jwt';

export interface AuthConfig {
  mode: AuthMode;
  /** HS256 shared secret (AUTH=jwt). */
  jwtSecret?: string;
  /** JWKS URL for RS/ES/EdDSA tokens (AUTH=jwt). */
  jwksUrl?: string;
  /** A JWKS document inline (tests, air-gapped set-ups). */
  jwks?: { keys: object[] };
  issuer?: string;
  audience?: string;
  /** Claim holding the tenant (default `tenant`) and the role (default `role`). */
  tenantClaim: string;
  roleClaim: string;
}

/** AUTH=none: everyone is the admin of the default tenant (allowed on loopback by default). */
export const ANONYMOUS: Identity = {
  tenantId: DEFAULT_TENANT,
  role: 'admin',
  subject: 'anonymous',
};

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

/**
 * Turns an `Authorization` value (HTTP and SSE header, or graphql-ws `connection_init` payload)
 * into an identity, the same way for every transport. API keys (`aef_...`) are accepted under
 * AUTH=apikey and AUTH=jwt; JWTs under AUTH=jwt, verified with jose.
 */
export function createAuthenticator(config: AuthConfig, keys: ApiKeys) {
  let jwks: JWTVerifyGetKey | undefined;
  if (config.mode === 'jwt') {
    if (config.jwks) jwks = createLocalJWKSet(config.jwks as never);
    else if (config.jwksUrl) jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;

  async function fromJwt(token: string): Promise<Identity> {
    const options = {
      ...(config.issuer ? { issuer: config.issuer } : {}),
      ...(config.audience ? { audience: config.audience } : {}),
    };
    let payload: Record<string, unknown>;
    try {
      payload = secret
        ? (await jwtVerify(token, secret, options)).payload
        : (await jwtVerify(token, jwks!, options)).payload;
    } catch (err) {
      throw unauthenticated(`The token was refused: ${(err as Error).message}`);
    }
    const tenant = payload[config.tenantClaim];
    const role = payload[config.roleClaim] ?? 'reader';
    if (typeof tenant !== 'string' || tenant.length === 0)
      throw unauthenticated(`The token has no "${config.tenantClaim}" claim naming a tenant.`);
    if (!isRole(role))
      throw unauthenticated(
        `The token's "${config.roleClaim}" claim must be reader, writer or admin.`,
      );
    return {
      tenantId: tenant,
      role: role as Role,
      subject: `jwt:${String(payload.sub ?? '')}`,
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    };
  }

  return async function authenticate(authorization: unknown): Promise<Identity> {
    if (config.mode === 'none') return ANONYMOUS;
    if (typeof authorization !== 'string' || authorization.length === 0)
      throw unauthenticated(
        'Authentication required: send "Authorization: Bearer <API key or token>" (over graphql-ws: connection_init payload { "authorization": "Bearer ..." }).',
      );
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization value must be "Bearer <credential>".');
    const credential = match[1]!;
    if (credential.startsWith('aef_')) {
      const identity = await keys.verify(credential);
      if (!identity) throw unauthenticated('The API key is unknown or revoked.');
      return identity;
    }
    if (config.mode !== 'jwt') throw unauthenticated('The API key is unknown or revoked.');
    return fromJwt(credential);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
