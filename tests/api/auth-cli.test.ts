import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { call, dataOf, expectUnauthenticated } from './auth-helpers.js';
import { CREATE_GRAPH, setStateGraph, toGraphInput } from './operations.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const KEY = /^aef_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/;
const VIEWER = '{ viewer { tenantId role subject } }';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run apikey -- ...args` as the user runs it (through tsx), against `databaseUrl`. */
function apikey(
  args: string[],
  databaseUrl = 'file:/nonexistent/never-opened.db',
): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  for (const name of ['AUTH', 'HOST', 'JWT_SECRET', 'JWT_JWKS_URL']) delete env[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, 'scripts/apikey.ts', ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

// Each case starts a process (tsx): slow on a loaded machine.
describe.concurrent('npm run apikey: arguments', { timeout: 120_000 }, () => {
  it.each([
    [[]],
    [['frobnicate']],
    [['create']],
    [['create', '--role', 'admin']],
    [['create', '--tenant', 'acme']],
    [['create', '--tenant', 'acme', '--role', 'root']],
    [['create', '--tenant', 'no spaces', '--role', 'admin']],
    [['create', '--tenant', 'acme', '--role', 'admin', '--colour', 'red']],
    [['create', '--tenant', 'acme', '--role', 'admin', 'extra']],
    [['create', '--tenant']],
    [['list', 'extra']],
    [['list', '--role', 'admin']],
    [['revoke']],
    [['revoke', 'a', 'b']],
    [['revoke', 'a', '--tenant', 'acme']],
  ])('%j exits 2 with the usage', async (args) => {
    const out = await apikey(args);
    expect(out.code, out.stderr).toBe(2);
    expect(out.stderr).toContain('Usage: npm run apikey -- <command>');
    expect(out.stdout).toBe('');
  });

  it('help exits 0', async () => {
    const out = await apikey(['--help']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('create --tenant NAME --role admin|writer|reader [--name LABEL]');
  });

  it('the npm script runs it', async () => {
    const out = await new Promise<Outcome>((resolve) => {
      execFile('npm', ['run', '-s', 'apikey', '--', 'nope'], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Unknown command "nope".');
  });
});

for (const { name: backend, skip } of await backends()) {
  describe(`npm run apikey against ${backend}`, () => {
    if (skip) {
      console.warn(skip);
      it.skip(skip, () => {});
      return;
    }
    let db: TestDatabase;
    let t: TestApp;
    beforeAll(async () => {
      db = await openTestDatabase(backend);
      t = await createTestApp({ db, env: { AUTH: 'apikey', SEED_EXAMPLES: 'false' } });
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('create prints the key last; the server accepts it; list shows it without secrets; revoke ends it', async () => {
      const created = await apikey(['create', '--tenant', 'acme', '--role', 'admin'], db.url);
      expect(created.code, created.stderr).toBe(0);
      const key = lastLine(created.stdout);
      expect(key).toMatch(KEY);
      const id = key.slice(4, 36);

      const viewer = dataOf(await call<{ viewer: unknown }>(t, key, VIEWER)).viewer;
      expect(viewer).toEqual({ tenantId: 'acme', role: 'ADMIN', subject: `key:${id}` });
      const made = await call(t, key, CREATE_GRAPH, { input: toGraphInput(setStateGraph()) });
      expect(dataOf(made)).toBeTruthy();

      const reader = await apikey(
        ['create', '--tenant', 'globex', '--role', 'reader', '--name', 'dashboard'],
        db.url,
      );
      expect(reader.code, reader.stderr).toBe(0);
      const readerKey = lastLine(reader.stdout);
      const readerId = readerKey.slice(4, 36);
      expect(
        dataOf(await call<{ viewer: { tenantId: string; role: string } }>(t, readerKey, VIEWER))
          .viewer,
      ).toMatchObject({ tenantId: 'globex', role: 'READER' });

      const list = await apikey(['list'], db.url);
      expect(list.code, list.stderr).toBe(0);
      const [header, ...rows] = list.stdout.trimEnd().split('\n');
      expect(header!.split(/\s+/)).toEqual(['ID', 'TENANT', 'ROLE', 'NAME', 'CREATED', 'REVOKED']);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.split(/\s+/).slice(0, 4)).toEqual([id, 'acme', 'admin', '-']);
      expect(rows[1]!.split(/\s+/).slice(0, 4)).toEqual([
        readerId,
        'globex',
        'reader',
        'dashboard',
      ]);
      for (const secret of [key, readerKey]) {
        expect(list.stdout).not.toContain(secret);
        expect(list.stdout).not.toContain(createHash('sha256').update(secret).digest('hex'));
        expect(list.stdout).not.toContain(secret.slice(37));
      }
      const globex = await apikey(['list', '--tenant', 'globex'], db.url);
      expect(globex.stdout.trimEnd().split('\n')).toHaveLength(2);
      expect(globex.stdout).toContain(readerId);
      expect(globex.stdout).not.toContain(id);
      expect((await apikey(['list', '--tenant', 'initech'], db.url)).stdout).toContain(
        'No keys in tenant "initech".',
      );

      const revoked = await apikey(['revoke', readerId], db.url);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`Revoked key ${readerId}.`);
      // Another process revoked it: this server stops trusting its cache within 5 seconds.
      let refused = false;
      const deadline = Date.now() + 8_000;
      while (!refused && Date.now() < deadline) {
        const answer = await call(t, readerKey, VIEWER);
        refused = answer.status === 401;
        if (!refused) await new Promise((r) => setTimeout(r, 200));
      }
      expect(refused).toBe(true);
      expectUnauthenticated(await call(t, readerKey, VIEWER));
      expect(dataOf(await call(t, key, VIEWER))).toBeTruthy();

      const listed = await apikey(['list', '--tenant', 'globex'], db.url);
      expect(listed.stdout.trimEnd().split('\n')[1]!.split(/\s+/)[5]).toMatch(/^\d{4}-\d\d-\d\dT/);
      const again = await apikey(['revoke', readerId], db.url);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('unknown or already revoked');
      expect((await apikey(['revoke', 'f'.repeat(32)], db.url)).code).toBe(1);
    }, 180_000);

    it('a key created for a fresh database works on a server started after it', async () => {
      const fresh = await openTestDatabase(backend);
      try {
        // The CLI migrates the new database itself.
        const created = await apikey(['create', '--tenant', 'acme', '--role', 'writer'], fresh.url);
        expect(created.code, created.stderr).toBe(0);
        const key = lastLine(created.stdout);
        const server = await createTestApp({
          db: fresh,
          env: { AUTH: 'apikey', SEED_EXAMPLES: 'false' },
        });
        try {
          await server.listen();
          const res = await fetch(server.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              authorization: `Bearer ${key}`,
            },
            body: JSON.stringify({ query: VIEWER }),
          });
          expect(res.status).toBe(200);
          expect(await res.json()).toEqual({
            data: {
              viewer: { tenantId: 'acme', role: 'WRITER', subject: `key:${key.slice(4, 36)}` },
            },
          });
        } finally {
          await server.close();
        }
      } finally {
        await fresh.drop();
      }
    }, 120_000);
  });
}
