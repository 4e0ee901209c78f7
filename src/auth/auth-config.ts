import type { AuthConfig, AuthMode } from './authenticate.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * AUTH=none|apikey|jwt. Without AUTH the server runs open only on loopback: on any other interface
 * it refuses to start, unless AUTH=none is set explicitly (then `openOnNetwork` says to warn).
 */
export function loadAuthConfig(
  env: Record<string, string | undefined>,
  host: string,
): AuthConfig & { openOnNetwork: boolean } {
  const raw = env.AUTH?.trim().toLowerCase();
  if (raw !== undefined && raw !== '' && !['none', 'apikey', 'jwt'].includes(raw))
    throw new Error(`AUTH must be none, apikey or jwt, got "${env.AUTH}".`);
  const mode = (raw || 'none') as AuthMode;
  if (!raw && !isLoopback(host))
    throw new Error(
      `HOST=${host} is not loopback and AUTH is not set: set AUTH=apikey (create a key with \`npm run apikey -- create --tenant NAME --role admin\`) or AUTH=jwt, or AUTH=none to serve without authentication on purpose.`,
    );
  const config: AuthConfig & { openOnNetwork: boolean } = {
    mode,
    tenantClaim: env.JWT_TENANT_CLAIM || 'tenant',
    roleClaim: env.JWT_ROLE_CLAIM || 'role',
    openOnNetwork: mode === 'none' && !isLoopback(host),
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    ...(env.JWT_JWKS_URL ? { jwksUrl: env.JWT_JWKS_URL } : {}),
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
  };
  if (mode === 'jwt' && !config.jwtSecret && !config.jwksUrl)
    throw new Error('AUTH=jwt needs JWT_SECRET (HS256) or JWT_JWKS_URL to verify tokens.');
  return config;
}
