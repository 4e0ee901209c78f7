import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// A fresh process (vitest's workers have loaded half of node_modules already): every module
// the app's boot path imports, ESM (a resolve hook) and CommonJS (the require cache).
const script = `
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on('message', (url) => urls.add(url));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(
  'let port; export function initialize(d) { port = d.port; }' +
  'export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }'
), { data: { port: port2 }, transferList: [port2] });
const heavy = {
  graphiql: '@graphql-yoga/render-graphiql',
  tracingSdk: '@opentelemetry/sdk-node',
  redis: '/node_modules/ioredis/',
  nodemailer: '/node_modules/nodemailer/',
  postgresClient: '/generated/postgresql/',
  postgresAdapter: '@prisma/adapter-pg',
};
const loaded = async () => {
  await new Promise((r) => setTimeout(r, 200)); // the hook's messages
  const all = [...urls, ...Object.keys(createRequire(import.meta.url)('node:module')._cache)];
  return Object.fromEntries(Object.entries(heavy).map(([k, p]) => [k, all.some((u) => u.includes(p))]));
};
await import('./src/serve.ts');
await import('./src/app.ts');
const atBoot = await loaded();
const { renderOfflineGraphiQL } = await import('./src/server/graphiql.ts');
const page = await renderOfflineGraphiQL();
const { graphiql } = await loaded();
console.log(JSON.stringify({ atBoot, afterGraphiQL: { graphiql, titled: page.includes('Agent Execution Framework') } }));
`;

it('boots without GraphiQL, the tracing SDK, Redis, nodemailer or the PostgreSQL client loaded', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    atBoot: {
      graphiql: false,
      tracingSdk: false,
      redis: false,
      nodemailer: false,
      postgresClient: false,
      postgresAdapter: false,
    },
    afterGraphiQL: { graphiql: true, titled: true },
  });
}, 60_000);
