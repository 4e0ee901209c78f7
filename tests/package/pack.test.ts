import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: build, `npm pack`, install the tarball into a new project,
 * and run a server there with a tool of the project's own, embedded and through TOOL_MODULES.
 * One install serves every test (the dependencies come from the npm cache).
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'aef-pack-'));
const project = join(work, 'project');
const installed = join(project, 'node_modules', 'agent-execution-framework');
let packed: { filename: string; files: Array<{ path: string }> };

const TOOLS = `import { defineTool } from 'agent-execution-framework/tools';
import { z } from 'zod';

export const shout = defineTool({
  name: 'shout',
  description: 'Upper-cases state.text',
  config: z.object({ suffix: z.string().default('!') }),
  run: ({ state, config }) => ({ shouted: String(state.text).toUpperCase() + config.suffix }),
});
`;

const SERVER = `import { createServer } from 'agent-execution-framework';
import { shout } from './tools.mjs';

const app = await createServer({
  env: {},
  tools: [shout],
  examples: false,
  port: 0,
  logLevel: 'silent',
  databaseUrl: 'file:' + process.argv[2],
});
const { url } = await app.start();
console.log(JSON.stringify({ url }));
process.on('SIGTERM', () => app.stop().then(() => process.exit(0)));
`;

const TYPED = `import { type App, createServer } from 'agent-execution-framework';
import { executeRun, type GraphDef } from 'agent-execution-framework/engine';
import { defineTool, createToolRegistry } from 'agent-execution-framework/tools';
import { createWorker, type RemoteWorker } from 'agent-execution-framework/worker';
import { z } from 'zod';

const greet = defineTool({
  name: 'greet',
  description: 'Says hello',
  config: z.object({ name: z.string() }),
  run: ({ config }) => ({ greeting: 'hello ' + config.name.toUpperCase() }),
});
const graph: GraphDef = { name: 'g', nodes: [{ id: 'a', tool: 'greet' }], edges: [], entry: 'a' };
export const app: Promise<App> = createServer({ tools: [greet], examples: false });
export const registry = createToolRegistry([greet]);
export const worker: RemoteWorker = createWorker({ url: 'http://127.0.0.1:1/graphql', tools: [greet], slots: 2 });
export { executeRun, graph };
// The check fails if the declarations are missing (all any) or too loose.
// @ts-expect-error tools is an iterable of tools
createServer({ tools: 'nope' });
`;

beforeAll(async () => {
  await run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { cwd: root });
  // prepack would build again from clean; the build above is fresh.
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    { cwd: root },
  );
  packed = JSON.parse(stdout)[0];
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'my-agents', version: '1.0.0', private: true, type: 'module' }),
  );
  writeFileSync(join(project, 'tools.mjs'), TOOLS);
  writeFileSync(join(project, 'server.mjs'), SERVER);
  // --ignore-scripts: the package itself has no install script; the one dependency that has,
  // better-sqlite3, would compile for a minute without network access to its prebuilt
  // binaries, so the test takes the binary this checkout built for the same version.
  await run(
    'npm',
    [
      'install',
      join(work, packed.filename),
      `zod@${JSON.parse(readFileSync(join(root, 'node_modules/zod/package.json'), 'utf8')).version}`,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
    ],
    { cwd: project },
  );
  const version = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  if (version(root) === version(project)) {
    const release = join(project, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(
      join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      join(release, 'better_sqlite3.node'),
    );
  } else {
    await run('npm', ['rebuild', 'better-sqlite3'], { cwd: project });
  }
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Starts a node process in the project and waits for the URL it prints (or its exit). */
function startServer(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /"url":"([^"]+)"|at (http:\/\/[^\s"]+)/.exec(stdout);
      if (match) resolve((match[1] ?? match[2]) as string);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}${stdout}`)));
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
  return { child, url, exit };
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

/** Saves a graph using `shout`, runs it and returns the finished run. */
async function shoutThroughApi(url: string) {
  const { createGraph } = await gql<{ createGraph: { id: string } }>(
    url,
    `mutation($input: GraphInput!) { createGraph(input: $input) { id } }`,
    {
      input: {
        name: 'shouting',
        nodes: [{ id: 'shout', tool: 'shout', config: { suffix: '?!' } }],
        edges: [],
        entry: 'shout',
      },
    },
  );
  const { startRun } = await gql<{ startRun: { id: string } }>(
    url,
    `mutation($id: ID!) { startRun(graphId: $id, input: { text: "hello" }) { id } }`,
    { id: createGraph.id },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { run } = await gql<{ run: { status: string; state: Record<string, unknown> } }>(
      url,
      `query($id: ID!) { run(id: $id) { status state } }`,
      { id: startRun.id },
    );
    if (!['QUEUED', 'RUNNING'].includes(run.status) || Date.now() > deadline) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the npm package', () => {
  it('ships dist and the migrations, not sources, tests, benches or databases', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/main.js',
        'dist/public/engine.d.ts',
        'dist/public/tools.d.ts',
        'dist/public/worker.d.ts',
        'dist/generated/sqlite/client/client.js',
        'dist/generated/postgresql/client/client.js',
        'dist/dashboard/index.html',
        'examples/data-pipeline/orders.csv',
      ]),
    );
    expect(files.some((f) => /^dist\/dashboard\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^prisma\/sqlite\/migrations\/.+\/migration\.sql$/.test(f))).toBe(
      true,
    );
    expect(files.some((f) => /^prisma\/postgresql\/migrations\/.+\/migration\.sql$/.test(f))).toBe(
      true,
    );
    const unwanted = files.filter((f) =>
      /^(src|tests|bench|scripts|data|node_modules)\/|\.db$|\.tsbuildinfo$|\.tgz$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('embeds: createServer with a tool of the project runs a graph over HTTP', async () => {
    const server = startServer(['server.mjs', join(work, 'embedded.db')]);
    try {
      const run = await shoutThroughApi(await server.url);
      expect(run).toEqual({
        status: 'SUCCEEDED',
        state: expect.objectContaining({ shouted: 'HELLO?!' }),
      });
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }, 60_000);

  it('serves: the installed bin loads TOOL_MODULES from the working directory', async () => {
    const server = startServer([join(installed, 'dist', 'main.js')], {
      PORT: '0',
      DATABASE_URL: `file:${join(work, 'bin.db')}`,
      TOOL_MODULES: './tools.mjs',
      SEED_EXAMPLES: 'false',
      LOG_LEVEL: 'info',
    });
    try {
      const url = await server.url;
      const run = await shoutThroughApi(url);
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state.shouted).toBe('HELLO?!');
      // The dashboard, built into the package, at / of the same server.
      const page = await fetch(new URL('/', url));
      expect(page.status).toBe(200);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
      expect(script).toBeDefined();
      expect((await fetch(new URL(script!, url))).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }, 60_000);

  it('stops the bin with the module and the code when a tool module is bad', async () => {
    writeFileSync(join(project, 'empty.mjs'), 'export const nothing = 1;\n');
    const server = startServer([join(installed, 'dist', 'main.js')], {
      PORT: '0',
      DATABASE_URL: `file:${join(work, 'bad.db')}`,
      TOOL_MODULES: './empty.mjs',
    });
    server.url.catch(() => {});
    const { code, stderr } = await server.exit;
    expect(code).toBe(1);
    expect(stderr).toContain('TOOL_MODULE_NO_TOOLS: tool module "./empty.mjs"');
  }, 60_000);

  it('type-checks a TypeScript consumer against the emitted declarations (a wrong call is refused)', async () => {
    writeFileSync(join(project, 'typed.ts'), TYPED);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }),
    ).resolves.toBeDefined();
  }, 60_000);
});
