import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { call, codeOf, dataOf, expectUnauthenticated } from './auth-helpers.js';
import { CREATE_GRAPH, setStateGraph, toGraphInput } from './operations.js';

const VIEWER = '{ viewer { tenantId role subject } }';
const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes!';
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'aef-api';
const hour = 3_600;
const now = () => Math.floor(Date.now() / 1000);

function hs256(
  claims: JWTPayload,
  options: { secret?: string; exp?: number; iss?: string; aud?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setIssuedAt()
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setExpirationTime(options.exp ?? now() + hour)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** The viewer for a token that must be accepted. */
async function viewerOf(t: { app: App }, token: string) {
  return dataOf(await call<{ viewer: Record<string, string> }>(t, token, VIEWER)).viewer;
}

describe('AUTH=jwt with JWT_SECRET (HS256)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH: 'jwt',
        JWT_SECRET: SECRET,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        SEED_EXAMPLES: 'false',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes tenant and role from the token; the role defaults to reader', async () => {
    expect(await viewerOf(t, await hs256({ tenant: 'acme', role: 'writer' }))).toEqual({
      tenantId: 'acme',
      role: 'WRITER',
      subject: 'jwt:alice',
    });
    const reader = await hs256({ tenant: 'acme' });
    expect((await viewerOf(t, reader)).role).toBe('READER');
    const input = toGraphInput(setStateGraph());
    expect(codeOf(await call(t, reader, CREATE_GRAPH, { input }))).toBe('FORBIDDEN');
    const writer = await hs256({ tenant: 'acme', role: 'writer' });
    expect(dataOf(await call(t, writer, CREATE_GRAPH, { input }))).toBeTruthy();
  });

  it('refuses wrong secret, expired, not yet valid, wrong issuer or audience, alg none', async () => {
    const claims = { tenant: 'acme', role: 'admin' };
    const refused = [
      await hs256(claims, { secret: 'another-secret-of-at-least-thirty-two-bytes' }),
      await hs256(claims, { exp: now() - 60 }),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setNotBefore(now() + hour)
        .sign(new TextEncoder().encode(SECRET)),
      await hs256(claims, { iss: 'https://evil.test/' }),
      await hs256(claims, { aud: 'another-api' }),
      new UnsecuredJWT(claims).setIssuer(ISSUER).setAudience(AUDIENCE).encode(),
      // A valid token with its payload swapped for an admin of another tenant.
      await (async () => {
        const [h, , s] = (await hs256({ tenant: 'acme' })).split('.');
        const p = Buffer.from(
          JSON.stringify({ ...claims, tenant: 'other', iss: ISSUER, aud: AUDIENCE }),
        ).toString('base64url');
        return `${h}.${p}.${s}`;
      })(),
      'not.a.jwt',
    ];
    for (const token of refused) {
      const answer = await call(t, token, VIEWER);
      expectUnauthenticated(answer);
      expect(answer.body.errors?.[0]?.message).toMatch(/token|API key/);
    }
  });

  it('refuses a token without a tenant claim, or with a bad one, or with an unknown role', async () => {
    for (const claims of [{ role: 'admin' }, { tenant: '' }, { tenant: 42 }, { tenant: ['a'] }]) {
      const answer = await call(t, await hs256(claims), VIEWER);
      expectUnauthenticated(answer);
      expect(answer.body.errors?.[0]?.message).toContain('"tenant" claim');
    }
    for (const role of ['root', 'ADMIN', 3]) {
      const answer = await call(t, await hs256({ tenant: 'acme', role }), VIEWER);
      expectUnauthenticated(answer);
      expect(answer.body.errors?.[0]?.message).toContain('"role" claim');
    }
  });

  it('accepts API keys beside tokens', async () => {
    const { key } = await t.app.apiKeys.create({ tenantId: 'acme', role: 'reader' });
    expect((await viewerOf(t, key)).tenantId).toBe('acme');
    expectUnauthenticated(await call(t, `aef_${'0'.repeat(32)}_${'x'.repeat(43)}`, VIEWER));
    expectUnauthenticated(await call(t, undefined, VIEWER));
  });
});

describe('AUTH=jwt with JWT_TENANT_CLAIM and JWT_ROLE_CLAIM', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH: 'jwt',
        JWT_SECRET: SECRET,
        JWT_TENANT_CLAIM: 'org_id',
        JWT_ROLE_CLAIM: 'https://aef.test/role',
        SEED_EXAMPLES: 'false',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads the configured claims and ignores the default ones', async () => {
    const token = await hs256({ org_id: 'globex', 'https://aef.test/role': 'admin' });
    expect(await viewerOf(t, token)).toMatchObject({ tenantId: 'globex', role: 'ADMIN' });
    const answer = await call(t, await hs256({ tenant: 'globex', role: 'admin' }), VIEWER);
    expectUnauthenticated(answer);
    expect(answer.body.errors?.[0]?.message).toContain('"org_id" claim');
  });
});

/** Asymmetric keys: an inline JWKS (AuthConfig.jwks) and one served at JWT_JWKS_URL. */
describe('AUTH=jwt with a JWKS', async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('RS256');
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ] as JWK[],
  };
  const sign = (claims: JWTPayload, alg: 'RS256' | 'ES256', kid: string, key: CryptoKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setSubject('bob')
      .setIssuer(ISSUER)
      .setExpirationTime(now() + hour)
      .sign(key);

  async function expectJwksBehaviour(t: { app: App }) {
    const claims = { tenant: 'initech', role: 'writer' };
    expect(await viewerOf(t, await sign(claims, 'RS256', 'rsa-1', rsa.privateKey))).toEqual({
      tenantId: 'initech',
      role: 'WRITER',
      subject: 'jwt:bob',
    });
    expect((await viewerOf(t, await sign(claims, 'ES256', 'ec-1', ec.privateKey))).tenantId).toBe(
      'initech',
    );
    const refused = [
      // Signed by a key that is not in the set, under a kid that is.
      await sign(claims, 'RS256', 'rsa-1', stranger.privateKey),
      await sign(claims, 'RS256', 'unknown-kid', stranger.privateKey),
      // HS256 is not verified against a key set (no algorithm confusion).
      await hs256(claims, { aud: undefined }),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setIssuer('https://evil.test/')
        .setExpirationTime(now() + hour)
        .sign(rsa.privateKey),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setIssuer(ISSUER)
        .setExpirationTime(now() - 60)
        .sign(rsa.privateKey),
      await sign({ role: 'admin' }, 'RS256', 'rsa-1', rsa.privateKey),
    ];
    for (const token of refused) expectUnauthenticated(await call(t, token, VIEWER));
  }

  describe('inline', () => {
    let app: App;
    let db: TestDatabase;
    beforeAll(async () => {
      db = sqliteTestDatabase();
      const config = loadConfig({
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        SEED_EXAMPLES: 'false',
        AUTH: 'jwt',
        // loadConfig needs one of the two; the inline set is what verifies.
        JWT_JWKS_URL: 'http://127.0.0.1:9/unused',
        JWT_ISSUER: ISSUER,
      });
      app = await buildApp({ ...config, auth: { ...config.auth, jwks } }, { logger: silentLogger });
    });
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    it('verifies RS256 and ES256 tokens against the set, refuses the rest', async () => {
      await expectJwksBehaviour({ app });
    });
  });

  describe('JWT_JWKS_URL', () => {
    let t: TestApp;
    let server: Server;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(jwks));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      t = await createTestApp({
        env: {
          AUTH: 'jwt',
          JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          JWT_ISSUER: ISSUER,
          SEED_EXAMPLES: 'false',
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('fetches the set and verifies the same way', async () => {
      await expectJwksBehaviour(t);
    });
  });
});
