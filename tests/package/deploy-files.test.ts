/**
 * The Dockerfile and docker-compose.yml, checked where Docker may not run: what the image copies
 * exists, it runs as non-root with a health check on /health, and the compose file's servers
 * take the roles the README describes, with settings the config knows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('deploy files', () => {
  it('Dockerfile: multi-stage, copies what exists, non-root, health check, node as PID 1', () => {
    const docker = read('Dockerfile');
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    for (const [, src] of docker.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+)/gm))
      expect(existsSync(join(ROOT, src as string)), `COPY ${src}`).toBe(true);
    for (const [, src] of docker.matchAll(/^COPY --from=build (?:--\S+ )*\/app\/(\S+)/gm)) {
      // Built in the image (dist, node_modules) or checked in (migrations, package.json).
      if (!['dist', 'node_modules'].includes(src as string))
        expect(existsSync(join(ROOT, src as string)), `COPY --from=build ${src}`).toBe(true);
    }
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    // node itself is PID 1 (exec form), with the server's V8 flags (src/runtime-flags.ts)
    expect(docker).toMatch(/^CMD \["node", ("--[a-z-]+(=\d+)?", )*"dist\/main\.js"\]$/m);
    expect(JSON.parse(read('package.json')).main).toBe('./dist/index.js');
  });

  it('docker-compose.yml: PostgreSQL, Redis, two api servers and workers the config accepts', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        { environment?: Record<string, string>; deploy?: { replicas?: number } }
      >;
    };
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'postgres', 'redis', 'worker']);
    const roles = Object.fromEntries(
      Object.entries(services)
        .filter(([, s]) => s.environment?.ROLE)
        .map(([name, s]) => [name, s.environment?.ROLE]),
    );
    expect(roles).toEqual({ 'api-1': 'api', 'api-2': 'api', worker: 'worker' });
    expect(services.worker?.deploy?.replicas).toBe(2);
    // Every server's environment (defaults substituted) is a configuration the server starts with.
    for (const name of ['api-1', 'api-2', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [
          k,
          String(v).replace(/\$\{(\w+):-([^}]*)\}/g, '$2'),
        ]),
      );
      const config = loadConfig({ ...env, HOST: '0.0.0.0' });
      expect(config.ops.role).toBe(env.ROLE);
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.databaseUrl).toMatch(/^postgresql:\/\/aef:aef@postgres:5432\/aef$/);
    }
  });
});
